#pragma once
// A plain-number snapshot of every counter of a run, summed over threads
// when read (never on the packet path).
#include <cstdint>
#include <string>
#include <vector>

#include "app/app_counters.h"
#include "decode/decode_counters.h"
#include "detect/host_analyzer.h"
#include "flow/flow_counters.h"

namespace mld::pipeline {

struct CaptureStats {
  std::uint64_t inputs = 0;
  std::uint64_t input_errors = 0;
  std::uint64_t timestamps_clamped = 0;  // frame older than the input's clock (spec 1.5)
  std::uint64_t timeline_restarts = 0;   // an input that starts before the previous one ended
  std::uint64_t kernel_packets = 0;      // live: frames the kernel saw
  std::uint64_t kernel_drops = 0;        // live: frames the kernel dropped (ring full)
};

struct DecodeStats {
  std::uint64_t packets_read = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t packets_decoded = 0;
  std::uint64_t tunnelled = 0;
  std::uint64_t drops[decode::kDropReasonSlots] = {};
  std::uint64_t notes[decode::kDecodeNoteCount] = {};

  void add(const decode::DecodeCounters& counters);
  std::uint64_t dropped() const;
};

struct FlowStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t created = 0;
  std::uint64_t continuations = 0;
  std::uint64_t ended[flow::kEndReasonCount] = {};
  std::uint64_t tombstones_expired = 0;
  std::uint64_t tombstones_evicted = 0;
  std::uint64_t timestamps_clamped = 0;
  std::uint64_t active = 0;

  void add(const flow::FlowCounters& counters);
};

// The application layer's counters (src/app/app_counters.h), summed.
struct AppStats {
#define MLD_APP_STAT_FIELD(name) std::uint64_t name = 0;
  MLD_APP_COUNTERS(MLD_APP_STAT_FIELD)
#undef MLD_APP_STAT_FIELD

  void add(const app::AppCounters& counters);
};

struct WorkerStats {
  std::uint64_t packets = 0;
  std::uint64_t flows_created = 0;
  std::uint64_t records_dropped = 0;  // live: sink queue full
  std::uint64_t packets_forwarded = 0;  // live: decoded here, sent to the flow's owner
  std::uint64_t forward_drops = 0;      // live: owner's forward queue full
};

// Live: packets a worker received but did not own (see live_pipeline.h).
struct DispatchStats {
  std::uint64_t packets_forwarded = 0;
  std::uint64_t forward_drops = 0;
};

struct OutputStats {
  std::uint64_t records_delivered = 0;  // handed to the serializer
  std::uint64_t records_failed = 0;     // never serialized: the output had failed
  std::uint64_t events_delivered = 0;   // protocol events handed to the serializer
  std::uint64_t events_dropped = 0;     // live: protocol events lost to a full sink queue
};

// One output sink (file, stdout, ZeroMQ), as its thread counted.
struct SinkStats {
  std::string name;    // "file", "stdout", "zmq"
  std::string policy;  // "block" or "drop"
  std::uint64_t events_written = 0;
  std::uint64_t dropped_queue_full = 0;   // drop policy: the sink's queue was full
  std::uint64_t dropped_sink_failed = 0;  // the sink had failed (disk full, ...)
  std::uint64_t dropped_downstream = 0;   // its transport refused them (ZeroMQ high-water mark)
  std::uint64_t rotations = 0;
  std::uint64_t torn_lines_repaired = 0;  // at start: a torn last line cut off
};

struct RunStats {
  CaptureStats capture;
  DecodeStats decode;
  FlowStats flow;
  AppStats app;
  detect::DetectStats detect;  // the host analyzers' counters, summed over shards
  std::vector<WorkerStats> workers;
  DispatchStats dispatch;
  OutputStats output;
  std::vector<SinkStats> sinks;
};

}  // namespace mld::pipeline
