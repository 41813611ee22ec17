// libFuzzer target for model files as the sensor loads them
// (TreeEnsemble::parse): arbitrary text is a ModelError or a model whose
// predictions are probabilities, never a crash or an endless walk.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "detect/tree_ensemble.h"

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
        if (!(p >= 0 && p <= 1)) std::abort();
        sum += p;
      }
      if (!probabilities.empty() && std::fabs(sum - 1) > 1e-3) std::abort();
    }
  } catch (const ModelError&) {
  }
  return 0;
}
