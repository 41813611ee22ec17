#pragma once
// The application layer of one worker: sees every packet of every flow (as
// the flow tracker's observer), classifies flows with nDPI, reassembles TCP
// and runs the dissector that fits, and completes each flow record with
// what it learned. Per-flow state exists only while a flow still has
// something to tell; memory is bounded by the flow table's size, the
// per-flow limits of reassembly and dissectors, and the worker's stream
// memcap.
#include <cstdint>
#include <memory>
#include <vector>

#include "app/app_counters.h"
#include "app/app_event.h"
#include "app/ndpi_engine.h"
#include "app/tcp_reassembler.h"
#include "flow/flow_observer.h"

namespace mld::app {

struct AppOptions {
  StreamLimits stream;                        // stream.depth, stream.max-pending
  std::uint64_t stream_memcap = 64ull << 20;  // out-of-order bytes held, whole worker
};

// Where a worker's protocol events go (the pipeline's record batcher).
class AppEventSink {
 public:
  virtual ~AppEventSink() = default;
  virtual void on_app_event(AppEvent&& event) = 0;
};

struct FlowApp;  // per-flow state (app_tracker.cc)

class AppTracker final : public flow::FlowObserver {
 public:
  // `slots`: the flow table's capacity (the tracker's max_flows).
  AppTracker(const AppOptions& options, std::uint32_t slots, AppEventSink& events);
  ~AppTracker() override;

  void on_packet(std::uint32_t slot, const flow::Flow& flow, flow::Direction side,
                 const decode::PacketView& packet) override;
  void on_flow_end(std::uint32_t slot, const flow::Flow& flow, flow::FlowRecord& record) override;

  const AppCounters& counters() const { return counters_; }
  std::uint64_t stream_memory_in_use() const { return memory_.in_use(); }
  std::uint32_t flows_with_state() const { return flows_with_state_; }

 private:
  FlowApp& state_for(std::uint32_t slot, const decode::PacketView& packet);
  void inspect(FlowApp& app, const flow::Flow& flow, flow::Direction side,
               const decode::PacketView& packet);
  void classify(FlowApp& app, const decode::PacketView& packet);
  void dissect(FlowApp& app, const flow::Flow& flow, flow::Direction side,
               const decode::PacketView& packet);
  void retire_dissector(FlowApp& app);

  AppOptions options_;
  AppEventSink& events_;
  AppCounters counters_;
  NdpiEngine& ndpi();  // started on first use: nDPI takes ~0.1 s to initialise
  std::unique_ptr<NdpiEngine> ndpi_;
  StreamMemory memory_;
  std::vector<std::unique_ptr<FlowApp>> slots_;
  std::uint32_t flows_with_state_ = 0;
};

}  // namespace mld::app
