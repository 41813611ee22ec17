#include "pipeline/live_pipeline.h"

#include <algorithm>
#include <memory>
#include <thread>

#include "capture/af_packet_socket.h"
#include "capture/fanout_program.h"
#include "pipeline/analyzer_stage.h"
#include "pipeline/live_worker.h"
#include "pipeline/sink.h"

namespace mld::pipeline {
namespace {

std::uint32_t share(std::uint32_t total, unsigned workers) {
  return std::max<std::uint32_t>(1, (total + workers - 1) / workers);
}

// Member i of the fanout group is the i-th socket to join, so sockets are
// opened in worker order, each joining the group the first one created.
std::vector<capture::AfPacketSocket> open_sockets(const PipelineOptions& options,
                                                  const LiveOptions& live, unsigned workers) {
  capture::AfPacketOptions socket_options;
  socket_options.snaplen = live.snaplen;
  socket_options.ring_bytes = live.ring_bytes;
  socket_options.block_timeout_ms = live.tick_ms;
  socket_options.fanout_program = capture::fanout_program(workers, options.flow.hash_seed);
  std::vector<capture::AfPacketSocket> sockets;
  for (unsigned w = 0; w < workers; ++w) {
    sockets.emplace_back(live.interface, socket_options);
    if (sockets.back().fanout_group() != sockets.front().fanout_group()) {
      throw capture::CaptureError("-i " + live.interface + ": socket " + std::to_string(w) +
                                  " joined another fanout group");
    }
    socket_options.fanout_group = sockets.front().fanout_group();
  }
  // Every member has joined: from now on each frame reaches exactly one.
  for (capture::AfPacketSocket& socket : sockets) socket.open_tap();
  return sockets;
}

void collect(const std::vector<std::unique_ptr<LiveWorker>>& workers, const Sink& sink,
             RunResult& result) {
  RunStats& stats = result.stats;
  stats.capture.inputs = 1;
  for (const auto& worker : workers) {
    stats.decode.add(worker->decode_counters());
    stats.flow.add(worker->flow_counters());
    if (worker->app() != nullptr) stats.app.add(worker->app()->counters());
    stats.output.events_dropped += worker->events_dropped();
    const WorkerStats w = worker->stats();
    stats.workers.push_back(w);
    stats.dispatch.packets_forwarded += w.packets_forwarded;
    stats.dispatch.forward_drops += w.forward_drops;
    stats.capture.kernel_packets += worker->kernel_stats().packets;
    stats.capture.kernel_drops += worker->kernel_stats().drops;
    const std::string& error = worker->error();
    auto& errors = result.input_errors;
    if (!error.empty() && std::find(errors.begin(), errors.end(), error) == errors.end()) {
      errors.push_back(error);
    }
  }
  stats.capture.input_errors = result.input_errors.size();
  stats.output.records_delivered = sink.records_delivered();
  stats.output.records_failed = sink.records_failed();
  stats.output.events_delivered = sink.events_delivered();
  result.output_error = sink.error();
}

}  // namespace

RunResult run_live_pipeline(const PipelineOptions& options, const LiveOptions& live,
                            RecordConsumer& consumer) {
  const unsigned n = std::max(1u, options.workers);
  std::vector<capture::AfPacketSocket> sockets = open_sockets(options, live, n);

  std::atomic<bool> stop{false};
  ForwardMesh mesh(n);
  LiveShared shared;
  shared.workers = n;
  shared.hash_seed = options.flow.hash_seed;
  shared.key = options.flow.key;
  shared.tick_ms = std::max<std::uint32_t>(1, live.tick_ms);
  shared.mesh = &mesh;
  shared.stop = &stop;
  shared.external_stop = live.stop;

  Doorbell sink_bell;
  const std::unique_ptr<AnalyzerStage> analyzers = make_analyzer_stage(options, sink_bell);
  const std::vector<Doorbell*> next_stage = next_stage_bells(analyzers.get(), sink_bell);
  std::vector<std::unique_ptr<LiveWorker>> workers;
  std::vector<WorkerOutput*> outputs;
  for (unsigned w = 0; w < n; ++w) {
    flow::FlowTrackerOptions flow_options = options.flow;
    flow_options.max_flows = share(options.flow.max_flows, n);
    flow_options.max_tombstones = share(options.flow.max_tombstones, n);
    flow_options.worker = static_cast<std::uint8_t>(w);
    workers.push_back(std::make_unique<LiveWorker>(w, std::move(sockets[w]), options,
                                                   flow_options, shared, next_stage));
    outputs.push_back(&workers.back()->output());
  }

  if (analyzers) analyzers->connect(outputs);
  Sink sink(sink_inputs(outputs, analyzers.get()), sink_bell, consumer, stop);
  std::thread sink_thread([&] { sink.run(); });
  if (analyzers) analyzers->start();
  std::vector<std::thread> threads;
  for (auto& worker : workers) threads.emplace_back([&w = *worker] { w.run(); });
  auto join_all = [&] {
    for (std::thread& t : threads) t.join();
    if (analyzers) analyzers->join();
    sink_thread.join();
  };
  try {
    if (live.on_capturing) live.on_capturing();
  } catch (...) {
    stop.store(true, std::memory_order_relaxed);
    join_all();
    throw;
  }
  join_all();

  RunResult result;
  collect(workers, sink, result);
  if (analyzers) result.stats.detect = analyzers->stats(outputs);
  return result;
}

}  // namespace mld::pipeline
