// libFuzzer target for `mldefender verify`: arbitrary bytes (and, split at a
// 0xFF byte, a second file) as signed logs, plain or zstd. The verifier must
// name a problem or accept, never crash, hang or read out of bounds. Signed
// seeds (fuzz/run.sh writes them with the sensor) let it reach deep states.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>

#include "output/log_verifier.h"

namespace {

std::string temp_file(int index) {
  return "/tmp/mld-fuzz-log-" + std::to_string(::getpid()) + "-" + std::to_string(index);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The key of the seed logs (fuzz/run.sh): 32 bytes of 'F'.
  static const std::vector<mld::output::SigningKey> keys{
      mld::output::SigningKey(std::string(32, 'F'))};
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = input.find('\xff');
  const std::string_view parts[] = {input.substr(0, split),
                                    split == std::string_view::npos ? std::string_view()
                                                                    : input.substr(split + 1)};
  std::vector<std::string> paths;
  for (int i = 0; i < (split == std::string_view::npos ? 1 : 2); ++i) {
    paths.push_back(temp_file(i));
    std::ofstream(paths.back(), std::ios::binary | std::ios::trunc)
        .write(parts[i].data(), static_cast<std::streamsize>(parts[i].size()));
  }
  for (const bool allow_unsealed : {false, true}) {
    try {
      const auto result = mld::output::verify_logs(keys, paths, {allow_unsealed});
      if (result.problem) (void)result.problem->to_string();
    } catch (const mld::output::LogReadError&) {
    }
  }
  for (const std::string& path : paths) std::remove(path.c_str());
  return 0;
}
