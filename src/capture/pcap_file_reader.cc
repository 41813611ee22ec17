#include "capture/pcap_file_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace mld::capture {

namespace fs = std::filesystem;

namespace {

// Classic pcap stores seconds and the fraction (µs, or ns in nanosecond
// files) as unsigned 32-bit fields, but libpcap hands them over sign-extended:
// a capture from after 2038 arrives with negative seconds. pcapng timestamps
// are 64-bit: a hostile file can name a second whose microseconds overflow;
// those saturate (the reader's monotonic clock then clamps later frames,
// spec 1.5). A fraction of a second or more is corrupt; it still counts in
// full (spec 1.5's plain conversion; nanoseconds are truncated).
Micros to_micros(const timeval& ts, bool nanoseconds) {
  // Room for a 32-bit fraction (up to 4295 s) on top of the last second.
  constexpr std::int64_t kLastSecond = INT64_MAX / kMicrosPerSecond - 5000;
  std::int64_t secs = ts.tv_sec;
  std::int64_t fraction = ts.tv_usec;
  if (secs < 0 && secs >= INT32_MIN) secs += std::int64_t{1} << 32;
  if (fraction < 0 && fraction >= INT32_MIN) fraction += std::int64_t{1} << 32;
  if (secs < 0) return 0;
  if (secs > kLastSecond) return kLastSecond * kMicrosPerSecond;
  fraction = std::clamp<std::int64_t>(fraction, 0, UINT32_MAX);
  return secs * kMicrosPerSecond + (nanoseconds ? fraction / 1000 : fraction);
}

// Nanosecond pcap files (either byte order) by their magic number.
bool is_nanosecond_pcap(std::FILE* file) {
  std::uint32_t magic = 0;
  const bool read = std::fread(&magic, sizeof magic, 1, file) == 1;
  std::rewind(file);
  return read && (magic == 0xa1b23c4d || magic == 0x4d3cb2a1);
}

// libpcap reads its stream through stdio; the default 4 KiB buffer costs a
// read() system call every few packets, a large one a few per megabyte.
std::FILE* open_buffered(const std::string& path) {
  constexpr std::size_t kStreamBuffer = 1 << 20;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw CaptureError(path + ": " + std::strerror(errno) + " (at byte offset 0)");
  }
  std::setvbuf(file, nullptr, _IOFBF, kStreamBuffer);
  return file;
}

}  // namespace

PcapFileReader::PcapFileReader(std::string path, std::uint16_t input_index)
    : PcapFileReader(open_buffered(path), path, input_index) {}

PcapFileReader::PcapFileReader(std::FILE* file, std::string name, std::uint16_t input_index)
    : path_(std::move(name)), input_index_(input_index) {
  char error[PCAP_ERRBUF_SIZE] = {};
  // Nanosecond files are read as they are (libpcap would divide their
  // sign-extended fraction); every other format in microseconds.
  nanoseconds_ = is_nanosecond_pcap(file);
  handle_ = pcap_fopen_offline_with_tstamp_precision(
      file, nanoseconds_ ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO, error);
  if (handle_ == nullptr) {
    std::fclose(file);
    throw CaptureError(path_ + ": " + error + " (at byte offset 0)");
  }
  link_type_ = static_cast<std::uint16_t>(pcap_datalink(handle_));
}

PcapFileReader::~PcapFileReader() {
  if (handle_ != nullptr) pcap_close(handle_);
}

bool PcapFileReader::next(RawPacket& packet) {
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  const int status = pcap_next_ex(handle_, &header, &data);
  if (status == PCAP_ERROR_BREAK) return false;  // end of file
  if (status != 1) {
    const long offset = std::ftell(pcap_file(handle_));
    throw CaptureError(path_ + ": " + pcap_geterr(handle_) + " (at byte offset " +
                       std::to_string(offset) + ")");
  }
  packet.timestamp = to_micros(header->ts, nanoseconds_);
  packet.captured_length = header->caplen;
  packet.wire_length = header->len;
  packet.link_type = link_type_;
  packet.input_index = input_index_;
  packet.data = data;
  return true;
}

std::vector<std::string> expand_capture_inputs(const std::vector<std::string>& arguments) {
  std::vector<std::string> inputs;
  for (const std::string& argument : arguments) {
    std::error_code error;
    const fs::file_status status = fs::status(argument, error);
    if (error || !fs::exists(status)) {
      throw CaptureError(argument + ": " + std::strerror(ENOENT));
    }
    if (!fs::is_directory(status)) {
      inputs.push_back(argument);
      continue;
    }
    std::vector<std::string> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(argument, error)) {
      const std::string name = entry.path().filename().string();
      if (!name.empty() && name.front() != '.' && entry.is_regular_file()) {
        files.push_back(entry.path().string());
      }
    }
    if (error) throw CaptureError(argument + ": " + error.message());
    std::sort(files.begin(), files.end());
    inputs.insert(inputs.end(), files.begin(), files.end());
  }
  return inputs;
}

}  // namespace mld::capture
