#pragma once
// An alert: one detector, one host (and target), one aggregation window. A
// scan of ten thousand ports is one alert with count 10000, not ten thousand.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/time.h"
#include "detect/detector.h"
#include "flow/flow_identity.h"

namespace mld::detect {

struct Alert {
  Detector detector = Detector::ml;
  // The flow whose evidence crossed the threshold: the alert's flow_id,
  // 5-tuple and community_id. src = `source`, dst = `target` where the
  // detector knows better than the flow's orientation (a flood's victim).
  flow::FlowIdentity flow;
  decode::IpAddress source_ip, target_ip;  // alert.source / alert.target
  std::uint16_t source_port = 0, target_port = 0;  // 0: many or none
  Micros timestamp = 0;  // when the threshold was crossed (traffic time)
  Micros first_seen = 0, last_seen = 0;  // evidence aggregated in this alert
  // What the alert aggregates: for counting detectors the largest count seen
  // (19 ports, 40 attempts), else the number of matching events.
  std::uint64_t count = 0;
  float score = 0;          // the detector's score, 0..1
  std::string detail;       // "1024 ports of 10.0.0.5 in 60 s"; ML: the class
};

// The alert's short category: its detector's, or - for the model - the
// category of the class it named ("Portscan" -> "scan").
std::string_view category_of(const Alert& alert);

}  // namespace mld::detect
