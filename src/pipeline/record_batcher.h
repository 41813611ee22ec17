#pragma once
// Collects ended flows, protocol events, started flows and alerts into record
// batches for the next stage (a host analyzer shard or the sink thread).
#include "app/app_tracker.h"
#include "common/counter.h"
#include "flow/flow_record.h"
#include "pipeline/batch_channel.h"
#include "pipeline/batches.h"

namespace mld::pipeline {

// What a producer does when every batch is in use downstream.
enum class Backpressure {
  wait,  // files: never lose anything, slow the reader down instead
  drop,  // live: the wire does not wait; drop and count
};

class RecordBatcher final : public flow::FlowRecordSink, public app::AppEventSink {
 public:
  RecordBatcher(BatchChannel<RecordBatch>& channel, Doorbell& own_bell, Backpressure policy)
      : channel_(channel), own_bell_(own_bell), policy_(policy) {}

  void on_flow_end(const flow::FlowRecord& record) override;
  void on_app_event(app::AppEvent&& event) override;
  void on_flow_opened(const detect::FlowOpened& event);
  void on_alert(detect::Alert&& alert);
  void flush();  // sends the partial batch, if any
  void close();  // flush, then close the channel

  const Counter& dropped() const { return dropped_; }  // records
  const Counter& events_dropped() const { return events_dropped_; }
  const Counter& opened_dropped() const { return opened_dropped_; }
  const Counter& alerts_dropped() const { return alerts_dropped_; }

 private:
  bool have_batch();

  BatchChannel<RecordBatch>& channel_;
  Doorbell& own_bell_;
  Backpressure policy_;
  RecordBatch* current_ = nullptr;
  Counter dropped_;
  Counter events_dropped_;
  Counter opened_dropped_;
  Counter alerts_dropped_;
};

}  // namespace mld::pipeline
