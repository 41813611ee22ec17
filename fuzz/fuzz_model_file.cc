// libFuzzer target for model files as the sensor loads them
// (TreeEnsemble::parse): arbitrary text is a ModelError or a model whose
// predictions are probabilities, never a crash or an endless walk.
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "detect/tree_ensemble.h"
#include "fuzz_require.h"

using mld::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using mld::detect::ModelError;
  using mld::detect::TreeEnsemble;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const TreeEnsemble model = TreeEnsemble::parse(text, "fuzz.json");
    std::vector<float> features(model.features().size());
    std::vector<float> probabilities(model.classes().size());
    for (float fill : {0.0f, -1e30f, 1e30f, NAN}) {
      for (float& value : features) value = fill;
      model.predict(features, probabilities);
      double sum = 0;
      for (float p : probabilities) {
        require(p >= 0 && p <= 1, "probabilities in [0, 1]");
        sum += p;
      }
      require(probabilities.empty() || std::fabs(sum - 1) <= 1e-3, "probabilities sum to 1");
    }
  } catch (const ModelError&) {
  }
  return 0;
}
