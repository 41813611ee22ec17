#pragma once
// What a detector needs besides its own per-host state: the options, where
// its matches go, and the counters.
#include <string>

#include "detect/alert_aggregator.h"
#include "detect/capped_set.h"
#include "detect/detect_options.h"
#include "detect/detector_score.h"
#include "detect/host_window.h"

namespace mld::detect {

// A flow's score from the rule detectors: the best one and which fired.
struct FastScore {
  float score = 0;
  Detector detector = Detector::ml;
  std::uint32_t reasons = 0;  // detectors at or above the alert score

  void add(Detector from, float value, double alert_score) {
    if (value >= alert_score) reasons |= reason_bit(from);
    if (value > score) {
      score = value;
      detector = from;
    }
  }
};

struct DetectContext {
  const DetectOptions& options;
  AlertAggregator& alerts;
  DetectStats& stats;

  // A detector reached its threshold for `host`: remember it for the
  // host's flows until `valid_for` has passed, and aggregate the match.
  void fire(Firing& host, Micros valid_for, Match&& match) {
    host.set(match.detector, match.score, match.time + valid_for);
    alerts.add(std::move(match));
  }
  // Inserts into a capped set, counting a refused key.
  InsertResult insert(CappedSet& set, std::uint64_t key) {
    const InsertResult result = set.insert(key);
    if (result == InsertResult::full) stats.set_overflows += 1;
    return result;
  }
  float score(double evidence, double threshold) const {
    return detector_score(evidence, threshold, options.alert_score);
  }
};

}  // namespace mld::detect
