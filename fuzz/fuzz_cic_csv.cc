// libFuzzer target for labelled CIC CSV files as `mldefender train` reads
// them (read_cic_csv): arbitrary bytes are a CsvError naming file:line or
// rows of finite values with a label, never a crash.
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "detect/cic_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mld::detect;
  static const std::string path = "/tmp/fuzz_cic_csv_" + std::to_string(getpid()) + ".csv";
  static const std::vector<std::string> features = {"Flow Duration", "Total Fwd Packet",
                                                    "Flow Bytes/s"};
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) std::abort();
  std::fwrite(data, 1, size, file);
  std::fclose(file);
  try {
    const LabelledFlows flows = read_cic_csv({path}, features);
    if (flows.values.size() != flows.rows() * features.size()) std::abort();
    for (float value : flows.values) {
      if (!std::isfinite(value)) std::abort();
    }
    for (std::uint32_t label : flows.labels) {
      if (label >= flows.classes.size()) std::abort();
    }
  } catch (const CsvError&) {
  }
  return 0;
}
