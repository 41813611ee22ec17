#include "tools/shared_data.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace mld::testing {

namespace fs = std::filesystem;

std::string shared_data_dir() {
  const char* env = std::getenv("MLD_SHARED_DATA");
  const fs::path dir = env != nullptr && *env != '\0' ? fs::path(env) : fs::path(MLD_SHARED_DATA_DIR);
  std::error_code error;
  return fs::is_directory(dir, error) ? fs::canonical(dir).string() : std::string();
}

std::vector<std::string> files_under(const std::string& relative,
                                     const std::vector<std::string>& suffixes) {
  std::vector<std::string> files;
  const fs::path root = fs::path(shared_data_dir()) / relative;
  std::error_code error;
  if (!fs::is_directory(root, error)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().string();
    for (const std::string& suffix : suffixes) {
      if (name.size() >= suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        files.push_back(name);
        break;
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> captures_under(const std::string& relative) {
  std::vector<std::string> captures;
  for (const std::string& file : files_under(relative, {""})) {
    std::ifstream in(file, std::ios::binary);
    unsigned char magic[4] = {};
    in.read(reinterpret_cast<char*>(magic), 4);
    const std::uint32_t le = magic[0] | magic[1] << 8 | magic[2] << 16 | std::uint32_t{magic[3]} << 24;
    const bool pcap = le == 0xa1b2c3d4 || le == 0xd4c3b2a1 || le == 0xa1b23c4d || le == 0x4d3cb2a1;
    const bool pcapng = le == 0x0a0d0d0a;
    if (pcap || pcapng) captures.push_back(file);
  }
  return captures;
}

}  // namespace mld::testing
