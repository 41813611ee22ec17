#pragma once
// Live mode (`mldefender run -i IFACE`): N worker threads, each owning one
// AF_PACKET TPACKET_V3 socket in a shared fanout group, a decoder, a flow
// tracker and a record batcher; one sink thread serializes the records. There
// is no reader thread: the kernel dispatches.
//
// Why a cBPF fanout program and forwarding. A flow must be owned by exactly
// one thread for its whole life (DESIGN.md), so both directions of every flow
// must reach the same worker. The kernel's PACKET_FANOUT_HASH is symmetric
// but it is not our hash and it hashes outer headers: the two directions of a
// VXLAN flow (whose outer UDP source port differs per direction) could land
// on different sockets. So the group runs our own program
// (capture/fanout_program.h): a seeded, symmetric hash of the outer addresses
// and TCP/UDP ports, which for ordinary packets equals the user-space hash of
// the flow key (pipeline/live_dispatch.h). Each worker still computes the
// owner of every packet it decodes; when that is another worker (tunnels,
// IPv6 extension headers, stacked VLANs) it forwards the decoded packet over
// a bounded SPSC queue (pipeline/forward_mesh.h), so ownership never depends
// on the kernel agreeing. A full queue drops and counts (`forward_drops`).
// Ownership is exact; order is not: packets of one flow that came in on two
// sockets reach the owner in the order the sockets' rings gave them up
// (each ring hands over a block on its own timer), so two packets less than
// a tick apart may swap, e.g. a tunnelled request and its reply (the tracker
// clamps the older timestamp and counts it).
//
// The tick. Every capture.tick-ms a worker wakes even when no frame came:
// the kernel hands over partly filled ring blocks after that long
// (tp_retire_blk_tov), the worker moves its flow clock to the wall clock
// (less one tick: frames still in an unreturned block are at most that old)
// so idle flows time out, and it sends its partial record batch to the sink,
// so records reach the output within about a tick.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "pipeline/file_pipeline.h"
#include "pipeline/pipeline_options.h"
#include "pipeline/record_consumer.h"

namespace mld::pipeline {

struct LiveOptions {
  std::string interface;
  std::uint32_t snaplen = 65535;
  std::size_t ring_bytes = std::size_t{64} << 20;  // per worker
  std::uint32_t tick_ms = 100;
  // Stops the capture like SIGINT/SIGTERM do (tests, embedding). Optional.
  const std::atomic<bool>* stop = nullptr;
  // Called once every socket has joined the group and capture has started.
  std::function<void()> on_capturing;
};

// Captures until shutdown is requested (SIGINT/SIGTERM, `live.stop`), the
// output fails or the interface fails; then every open flow ends
// (end-of-input). Throws capture::CaptureError when the interface cannot be
// opened; errors after that are in RunResult::input_errors.
RunResult run_live_pipeline(const PipelineOptions& options, const LiveOptions& live,
                            RecordConsumer& consumer);

}  // namespace mld::pipeline
