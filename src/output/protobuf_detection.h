#pragma once
// Detection as protobuf (events.proto's Detection, Alert, Stats.Detect),
// field for field what eve_detection_writer.cc and the stats record write:
// a field is set exactly when the EVE object has its key.
#include "detect/alert.h"
#include "detect/host_analyzer.h"
#include "flow/flow_record.h"

namespace mld::events::v1 {
class Detection;
class Event;
class Stats_Detect;
}  // namespace mld::events::v1

namespace mld::output {

// A scored flow record's "detection" object.
void set_flow_detection(const flow::DetectionSummary& detection, events::v1::Detection& out);

// An alert event's body: its "alert" and "detection" objects.
void set_alert_body(const detect::Alert& alert, events::v1::Event& event);

// The stats record's "detect" object.
void set_detect_stats(const detect::DetectStats& stats, events::v1::Stats_Detect& out);

}  // namespace mld::output
