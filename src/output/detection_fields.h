#pragma once
// What the EVE writer and the protobuf encoder both derive from detection
// results (a flow record's DetectionSummary, an alert), so that the two
// formats cannot disagree.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "detect/alert.h"
#include "detect/detector.h"
#include "flow/flow_record.h"

namespace mld::output {

// Scores are floats summed in different orders on different runs: written
// to 4 decimals they print the same every time, and never in exponent form
// (0.0001 is the smallest non-zero value, and EVE's numbers are fixed from
// 1e-4 up: number_format.h).
inline double written_score(double score) { return std::round(score * 1e4) / 1e4; }

// Suricata's flow.alerted: a rule detector or the model fired on this flow.
inline bool alerted(const flow::FlowRecord& record) {
  return record.detection.scored && record.detection.reasons != 0;
}

// A flow record's scores as written. `score` and `divergence` are derived
// from the written fast and ML scores, so the numbers of a line agree.
struct FlowScores {
  double fast = 0, ml = 0, score = 0, divergence = 0;
};

inline FlowScores flow_scores(const flow::DetectionSummary& detection) {
  FlowScores s;
  s.fast = written_score(detection.fast_score);
  s.ml = written_score(detection.ml_score);
  s.score = std::max(s.fast, s.ml);
  s.divergence = written_score(std::abs(s.fast - s.ml));
  return s;
}

inline std::string_view authority_text(const flow::DetectionSummary& detection) {
  return detect::authority_name(static_cast<detect::Authority>(detection.authoritative));
}

// DetectionSummary::reasons bits that name a detector.
inline constexpr std::uint32_t kReasonMask =
    detect::kDetectorCount == 32 ? ~0u : (1u << detect::kDetectorCount) - 1;

// Calls `f` with the name of each detector in `reasons`, in detector.h order.
template <class F>
void for_each_reason(std::uint32_t reasons, F&& f) {
  for (std::size_t i = 0; i < detect::kDetectorCount; ++i) {
    const auto detector = static_cast<detect::Detector>(i);
    if ((reasons & detect::reason_bit(detector)) != 0) f(detect::detector_info(detector).name);
  }
}

// Suricata's alert fields that do not vary: ML Defender only watches
// (action "allowed"), and its signatures are generator 1, revision 1.
inline constexpr std::string_view kAlertAction = "allowed";
inline constexpr std::uint32_t kAlertGid = 1;
inline constexpr std::uint32_t kAlertRev = 1;

// The signature text: detector.h's, except for the model, whose one
// signature id covers every attack class: "ML Defender tree-ensemble model:
// PortScan" names the class (the alert's detail), so that dashboards which
// group alerts by signature keep the classes apart.
inline std::string alert_signature(const detect::Alert& alert) {
  const std::string_view signature = detect::detector_info(alert.detector).signature;
  if (alert.detector != detect::Detector::ml || alert.detail.empty()) {
    return std::string(signature);
  }
  return std::string(signature) + ": " + alert.detail;
}

}  // namespace mld::output
