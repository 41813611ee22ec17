#include "capture/pcap_file_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace mld::capture {

namespace fs = std::filesystem;

namespace {

// pcapng stores 64-bit timestamps: a hostile file can name a second that
// overflows microseconds. Such times are clamped to the last representable
// second of year 9999 (EVE's four-digit year); the reader's monotonic clock
// then treats later frames as clamped too (spec 1.5).
Micros to_micros(const timeval& ts) {
  constexpr std::int64_t kLastSecond = 253402300799;  // 9999-12-31T23:59:59Z
  if (ts.tv_sec < 0) return 0;
  if (ts.tv_sec > kLastSecond) return kLastSecond * kMicrosPerSecond + 999'999;
  return static_cast<Micros>(ts.tv_sec) * kMicrosPerSecond + ts.tv_usec;
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
  handle_ = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_MICRO, error);
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
  packet.timestamp = to_micros(header->ts);
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
