// fuzz_seed_extract OUTPUT_DIR CAPTURE...: writes the first frames of each
// capture as fuzz_decoder inputs (selector of the capture's link type and of
// the frame's uncaptured bytes, all tunnel families, frame bytes). Identical
// inputs are written once (the file name is a hash of the content). Captures
// of link types the decoder does not know, and unreadable files, are skipped.
#include <pcap/pcap.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "decode/decoder.h"
#include "fuzz_link_types.h"

namespace {

constexpr int kFramesPerCapture = 8;
constexpr std::size_t kMaxFrameBytes = 2048;

std::uint64_t fnv1a(const std::vector<std::uint8_t>& bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (std::uint8_t byte : bytes) hash = (hash ^ byte) * 0x100000001b3ull;
  return hash;
}

bool write_seed(const std::string& dir, const std::vector<std::uint8_t>& input) {
  char name[32];
  std::snprintf(name, sizeof name, "/%016llx", static_cast<unsigned long long>(fnv1a(input)));
  std::FILE* file = std::fopen((dir + name).c_str(), "wb");
  if (file == nullptr) return false;
  const bool ok = std::fwrite(input.data(), 1, input.size(), file) == input.size();
  return std::fclose(file) == 0 && ok;
}

int extract(const std::string& dir, const char* path) {
  char error[PCAP_ERRBUF_SIZE];
  pcap_t* pcap = pcap_open_offline(path, error);
  if (pcap == nullptr) return 0;
  const auto index = mld::fuzz::link_type_index(static_cast<std::uint16_t>(pcap_datalink(pcap)));
  int written = 0;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  while (index && written < kFramesPerCapture && pcap_next_ex(pcap, &header, &data) == 1) {
    const std::size_t length = std::min<std::size_t>(header->caplen, kMaxFrameBytes);
    // Original bytes not in the seed (snaplen, our cut), in the selector's 16-byte units.
    const std::size_t missing = header->len > length ? header->len - length : 0;
    const auto missing_units =
        static_cast<std::uint8_t>(std::min<std::size_t>((missing + 15) / 16, 255));
    std::vector<std::uint8_t> input = {missing_units, static_cast<std::uint8_t>(*index),
                                       static_cast<std::uint8_t>(mld::decode::tunnel_family::all)};
    input.insert(input.end(), data, data + length);
    if (!write_seed(dir, input)) {
      std::fprintf(stderr, "cannot write seeds under %s\n", dir.c_str());
      break;
    }
    ++written;
  }
  pcap_close(pcap);
  return written;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR CAPTURE...\n", argv[0]);
    return 2;
  }
  int seeds = 0;
  for (int i = 2; i < argc; ++i) seeds += extract(argv[1], argv[i]);
  std::printf("%d frames from %d captures\n", seeds, argc - 2);
  return 0;
}
