#pragma once
// The dual score of a flow: the rule detectors' fast score beside the tree
// ensemble's ML score (set by the caller), "maximum threat wins".
//
// authoritative:
//   none       both scores are 0;
//   consensus  both pass their alert thresholds (options.alert_score and
//              options.ml.alert_score), or they differ by at most 0.1;
//   fast / ml  otherwise, the larger score (fast on a tie).
// category: the winning side's - the fast detector's category when the fast
// score passes options.alert_score, else the ML category the caller set
// when the model passes its threshold, else "" (benign).
#include "detect/detect_context.h"
#include "flow/flow_record.h"

namespace mld::detect {

inline constexpr float kConsensusMargin = 0.1f;

void fuse(const FastScore& fast, const DetectOptions& options, flow::DetectionSummary& detection);

}  // namespace mld::detect
