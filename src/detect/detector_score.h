#pragma once
// How every rule detector turns evidence into a 0..1 score, so scores of
// different detectors compare: below the threshold the score stays under
// `alert_score` (partial evidence, never an alert); at the threshold it is
// alert_score + (1 - alert_score) / 2 and it reaches 1 at twice the threshold.
#include <algorithm>

namespace mld::detect {

inline float detector_score(double evidence, double threshold, double alert_score) {
  if (threshold <= 0) threshold = 1;
  const double ratio = evidence / threshold;
  if (ratio < 1) return static_cast<float>(alert_score * 0.9 * std::max(0.0, ratio));
  return static_cast<float>(alert_score + (1 - alert_score) * std::min(1.0, ratio / 2));
}

}  // namespace mld::detect
