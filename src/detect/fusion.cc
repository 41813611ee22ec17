#include "detect/fusion.h"

#include <cmath>

namespace mld::detect {

void fuse(const FastScore& fast, const DetectOptions& options,
          flow::DetectionSummary& detection) {
  detection.scored = true;
  detection.fast_score = fast.score;
  detection.reasons = fast.reasons;
  const float ml = detection.ml_score;
  const bool fast_alerts = fast.score >= options.alert_score;
  const bool ml_alerts = ml >= options.ml.alert_score;
  if (ml >= options.ml.alert_score) detection.reasons |= reason_bit(Detector::ml);

  Authority authority = Authority::none;
  if (fast.score > 0 || ml > 0) {
    if ((fast_alerts && ml_alerts) || std::fabs(fast.score - ml) <= kConsensusMargin) {
      authority = Authority::consensus;
    } else {
      authority = fast.score >= ml ? Authority::fast : Authority::ml;
    }
  }
  detection.authoritative = static_cast<std::uint8_t>(authority);

  if (fast_alerts && (fast.score >= ml || !ml_alerts)) {
    detection.category.assign(detector_info(fast.detector).category);
  } else if (!ml_alerts) {
    detection.category.assign("");
  }
}

}  // namespace mld::detect
