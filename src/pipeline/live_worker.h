#pragma once
// One live worker thread: its capture socket, decoder, flow table and output
// channels, plus the queues on which other workers forward packets of the
// flows it owns. Everything here is touched by this worker's thread only,
// except the forward queues (SPSC) and the output channels (to the host
// analyzers or the sink).
#include <atomic>
#include <string>
#include <vector>

#include "capture/af_packet_socket.h"
#include "decode/decode_counters.h"
#include "decode/decoder.h"
#include "flow/flow_tracker.h"
#include "pipeline/batch_channel.h"
#include "pipeline/forward_mesh.h"
#include "pipeline/pipeline_options.h"
#include "pipeline/worker_output.h"
#include "pipeline/run_stats.h"

namespace mld::pipeline {

// What the workers of one run share.
struct LiveShared {
  unsigned workers = 1;
  std::uint64_t hash_seed = 0;
  flow::KeyOptions key;
  std::uint32_t tick_ms = 100;
  ForwardMesh* mesh = nullptr;
  std::atomic<bool>* stop = nullptr;                 // raised by the sink or a failing worker
  const std::atomic<bool>* external_stop = nullptr;  // LiveOptions::stop
  std::atomic<unsigned> done_forwarding{0};          // workers that will forward no more
};

class LiveWorker {
 public:
  // `flow`: this worker's share of options.flow. `next_stage`: the bells of
  // the host analyzer shards, or the sink's.
  LiveWorker(unsigned index, capture::AfPacketSocket socket, const PipelineOptions& options,
             const flow::FlowTrackerOptions& flow, LiveShared& shared,
             const std::vector<Doorbell*>& next_stage);

  void run();  // the thread's body

  WorkerOutput& output() { return output_; }
  capture::AfPacketSocket& socket() { return socket_; }

  // Read after run() returned.
  const decode::DecodeCounters& decode_counters() const { return decode_; }
  const flow::FlowCounters& flow_counters() const { return tracker_.counters(); }
  const app::AppTracker* app() const { return app_.get(); }
  std::uint64_t events_dropped() const { return output_.events_dropped(); }
  WorkerStats stats() const;
  const capture::KernelStats& kernel_stats() const { return kernel_; }
  const std::string& error() const { return error_; }

 private:
  bool stopping() const;
  void capture_until_stopped();
  void capture_remaining();
  void wait_for_work(int timeout_ms);
  void read_ready_blocks();
  void handle(const capture::RawPacket& frame);
  void forward(unsigned owner, decode::PacketView view);
  void ring_owners();
  void drain_forwarded();
  void tick(Micros now);
  void finish_forwarding();

  unsigned index_;
  capture::AfPacketSocket socket_;
  LiveShared& shared_;
  decode::Decoder decoder_;
  Doorbell bell_;  // rung when the next stage returns a record batch
  WorkerOutput output_;
  std::unique_ptr<app::AppTracker> app_;  // null when the application layer is off
  flow::FlowTracker tracker_;
  std::vector<bool> owner_has_news_;  // forwarded to since the last ring_owners()

  decode::DecodeCounters decode_;
  Counter forwarded_;
  Counter forward_drops_;
  capture::KernelStats kernel_;
  std::string error_;
};

}  // namespace mld::pipeline
