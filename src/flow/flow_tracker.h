#pragma once
// Tracks the flows of one worker: lookup, creation, per-packet update,
// timeouts, eviction and emission. Single-threaded by design: a flow belongs
// to the worker that created it for its whole life (DESIGN.md).
#include <cstdint>

#include "common/lazy_buffer.h"
#include "decode/packet_view.h"
#include "flow/cic_features.h"
#include "flow/flow.h"
#include "flow/flow_counters.h"
#include "flow/flow_key.h"
#include "flow/flow_observer.h"
#include "flow/flow_record.h"
#include "flow/lifecycle.h"
#include "flow/slot_table.h"

namespace mld::flow {

struct FlowTrackerOptions {
  std::uint32_t max_flows = 1u << 20;
  std::uint32_t max_tombstones = 1u << 20;
  Micros tombstone_lifetime = 0;  // 0: kept until evicted by max_tombstones
  LifecycleRules rules = LifecycleRules::cic(seconds(120));
  KeyOptions key;
  bool features = true;                 // the CIC statistics (spec section 4)
  Micros activity_timeout = seconds(5);  // spec 3.1
  std::uint64_t hash_seed = 0;
  std::uint8_t worker = 0;
  // Sees every packet of every flow and completes each record (the
  // application layer); null: none. Must outlive the tracker.
  FlowObserver* observer = nullptr;
};

class FlowTracker {
 public:
  FlowTracker(const FlowTrackerOptions& options, FlowRecordSink& sink);

  void process(const decode::PacketView& packet);
  // Moves the packet clock forward (never back) and ends every flow whose
  // timeout has passed by `now`: a tick from the reader or the wall clock.
  void advance_clock(Micros now);
  // Ends every remaining flow with `reason` (end of input, shutdown) and
  // forgets the clock, so that a new timeline may start.
  void end_all(EndReason reason = EndReason::end_of_input);

  const FlowCounters& counters() const { return counters_; }
  std::uint32_t active_flows() const { return flows_.size(); }
  Micros clock() const { return clock_; }

 private:
  void start_flow(const FlowKey& key, std::uint64_t hash, bool from_lower,
                  const decode::PacketView& packet);
  void add_packet(std::uint32_t slot, Direction side, const decode::PacketView& packet);
  static Direction direction_of(const Flow& flow, bool from_lower);
  void update_cic_state(Flow& flow, Direction side, std::uint8_t tcp_flags);
  bool cic_ends_before(const Flow& flow, const decode::PacketView& packet,
                       EndReason& reason) const;
  void end_flow(std::uint32_t slot, EndReason reason);
  void bury(const Flow& flow, std::uint64_t hash, Micros ended_at);
  void expire_due_flows();
  void expire_old_tombstones();
  bool past_active_timeout(const Flow& flow) const;
  bool past_idle_timeout(const Flow& flow) const;
  FlowRecord make_record(std::uint32_t slot, EndReason reason);
  // The CIC statistics of the flow in `slot` (only when options_.features).
  CicAccumulator& features_of(std::uint32_t slot) {
    return static_cast<CicAccumulator*>(features_.data())[slot];
  }

  FlowTrackerOptions options_;
  FlowRecordSink& sink_;
  SlotTable<Flow> flows_;
  SlotList<Flow, &Flow::by_activity> by_activity_;
  SlotList<Flow, &Flow::by_start> by_start_;
  LazyBuffer features_;  // a CicAccumulator per flow slot, touched only when used
  SlotTable<Tombstone> tombstones_;
  SlotList<Tombstone, &Tombstone::by_age> tombstones_by_age_;
  Micros clock_ = 0;
  FlowCounters counters_;
};

}  // namespace mld::flow
