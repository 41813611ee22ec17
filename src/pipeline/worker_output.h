#pragma once
// Where a worker's results go: ended flows, protocol events and - when the
// detectors run - a compact event for every flow that starts. With detection
// on, each goes to the host analyzer shard of the flow's source host (a
// started flow also to its target's shard), one channel per shard; without,
// one channel straight to the sink. A flow's events and record take the same
// channel, so its events still come first.
#include <memory>
#include <vector>

#include "app/app_tracker.h"
#include "detect/flow_opened.h"
#include "flow/flow_observer.h"
#include "flow/flow_record.h"
#include "pipeline/batch_channel.h"
#include "pipeline/record_batcher.h"

namespace mld::pipeline {

// The shard that owns a host, out of `shards`.
unsigned shard_of(const decode::IpAddress& host, unsigned shards);

class WorkerOutput final : public flow::FlowRecordSink,
                           public app::AppEventSink,
                           public flow::FlowObserver {
 public:
  // `consumer_bells`: one per channel (a shard's bell, or the sink's).
  // `report_opened`: send FlowOpened events (the detectors run).
  WorkerOutput(std::uint32_t depth, Doorbell& own_bell, const std::vector<Doorbell*>& consumer_bells,
               Backpressure policy, bool report_opened);

  // The tracker's observer: reports started flows, then hands every packet
  // to `next` (the application layer), if any.
  void observe_with(flow::FlowObserver* next) { next_ = next; }

  void on_flow_end(const flow::FlowRecord& record) override;
  void on_app_event(app::AppEvent&& event) override;
  void on_packet(std::uint32_t slot, const flow::Flow& flow, flow::Direction side,
                 const decode::PacketView& packet) override;
  void on_flow_end(std::uint32_t slot, const flow::Flow& flow, flow::FlowRecord& record) override;

  void flush();  // sends partial batches
  void close();  // flush, then close every channel

  bool reports_opened() const { return report_opened_; }
  BatchChannel<RecordBatch>& channel(unsigned i) { return *channels_[i]; }
  unsigned channels() const { return static_cast<unsigned>(channels_.size()); }
  std::uint64_t records_dropped() const;
  std::uint64_t events_dropped() const;
  std::uint64_t opened_dropped() const;  // live: FlowOpened events a shard had no room for

 private:
  RecordBatcher& batcher_for(const decode::IpAddress& host);

  std::vector<std::unique_ptr<BatchChannel<RecordBatch>>> channels_;
  std::vector<std::unique_ptr<RecordBatcher>> batchers_;
  flow::FlowObserver* next_ = nullptr;
  bool report_opened_;
};

}  // namespace mld::pipeline
