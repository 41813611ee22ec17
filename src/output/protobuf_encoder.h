#pragma once
// Events as protobuf messages (proto/mldefender/events/v1/events.proto) for
// the ZeroMQ stream: the same events, fields and names as the EVE lines.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/app_event.h"
#include "common/time.h"
#include "detect/alert.h"
#include "flow/flow_record.h"
#include "output/event_batch.h"
#include "pipeline/run_stats.h"

namespace mld::output {

class ProtobufEncoder {
 public:
  // Same arguments as EveWriter: capture file per input index (empty live),
  // and the CIC statistics profile (nullopt: no statistics).
  ProtobufEncoder(std::vector<std::string> input_names,
                  std::optional<flow::FeatureProfile> features);
  ~ProtobufEncoder();

  // Each appends one serialized mld.events.v1.Event to batch.protobuf and
  // calls batch.protobuf_added().
  void append_flow(const flow::FlowRecord& record, EventBatch& batch);
  void append_app_event(const app::AppEvent& event, EventBatch& batch);
  void append_alert(const detect::Alert& alert, EventBatch& batch);
  void append_stats(const pipeline::RunStats& stats, Micros timestamp, EventBatch& batch);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mld::output
