// libFuzzer target for labelled CIC CSV files as `mldefender train` reads
// them (read_cic_csv): arbitrary bytes are a CsvError naming file:line or
// rows of finite values with a label, never a crash.
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "detect/cic_csv.h"
#include "fuzz_require.h"

using mld::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mld::detect;
  static const std::string path = "/tmp/fuzz_cic_csv_" + std::to_string(getpid()) + ".csv";
  static const std::vector<std::string> features = {"Flow Duration", "Total Fwd Packet",
                                                    "Flow Bytes/s"};
  std::FILE* file = std::fopen(path.c_str(), "wb");
  require(file != nullptr, "the input can be written to a file");
  std::fwrite(data, 1, size, file);
  std::fclose(file);
  try {
    const LabelledFlows flows = read_cic_csv({path}, features);
    require(flows.values.size() == flows.rows() * features.size(), "one value per row and feature");
    for (float value : flows.values) {
      require(std::isfinite(value), "finite values");
    }
    for (std::uint32_t label : flows.labels) {
      require(label < flows.classes.size(), "labels index the classes");
    }
  } catch (const CsvError&) {
  }
  return 0;
}
