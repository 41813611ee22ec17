#pragma once
// The detect.* settings: every threshold of src/detect/detect_options.h, with
// the defaults the options themselves declare, so the two never disagree.
#include <memory>
#include <string>
#include <vector>

#include "cli/config.h"
#include "detect/detect_options.h"
#include "detect/tree_ensemble.h"

namespace mld::cli {

std::vector<SettingSpec> detect_settings();

detect::DetectOptions detect_options(const Config& config);

// The model named by detect.ml.model (null when empty or detection is off),
// loaded once per process and path. Throws ConfigError naming the file.
std::shared_ptr<const detect::TreeEnsemble> detect_model(const detect::DetectOptions& options);

}  // namespace mld::cli
