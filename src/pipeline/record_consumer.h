#pragma once
// The output side of the pipeline, implemented by src/output. Called on the
// sink thread only.
#include "app/app_event.h"
#include "detect/alert.h"
#include "flow/flow_record.h"

namespace mld::pipeline {

class RecordConsumer {
 public:
  virtual ~RecordConsumer() = default;
  // Serializes one record. Throws std::runtime_error when the output fails
  // (disk full...); the pipeline then stops reading and counts the records it
  // can no longer deliver.
  virtual void consume(const flow::FlowRecord& record) = 0;
  // Serializes one protocol event (the same failure contract).
  virtual void consume(const app::AppEvent& event) = 0;
  // Serializes one alert (the same failure contract).
  virtual void consume(const detect::Alert& alert) = 0;
  // Called when no record is waiting, so output reaches the disk promptly.
  virtual void flush() = 0;
};

}  // namespace mld::pipeline
