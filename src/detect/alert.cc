#include "detect/alert.h"

#include "detect/ml_scorer.h"

namespace mld::detect {

std::string_view category_of(const Alert& alert) {
  if (alert.detector == Detector::ml && !alert.detail.empty()) return ml_category(alert.detail);
  return detector_info(alert.detector).category;
}

}  // namespace mld::detect
