#pragma once
// One destination of events (a file, standard output, a ZeroMQ socket). Each
// runs on its own SinkThread, so every call comes from that one thread.
#include <stdexcept>

#include "output/event_batch.h"

namespace mld::output {

class EventSink {
 public:
  virtual ~EventSink() = default;

  // The encoding the sink reads: EventBatch::text, or protobuf_message().
  virtual bool wants_protobuf() const { return false; }
  // Writes every event of the batch. Throws std::runtime_error naming the
  // destination when it fails; the sink is then not called again.
  virtual void write(const EventBatch& batch) = 0;
  // Nothing is queued: push buffered output out, do time-driven work.
  virtual void idle() = 0;
  // The run is over: seal and flush. Throws like write().
  virtual void close() = 0;

  // Events the sink accepted but its transport refused (a ZeroMQ subscriber
  // at its high-water mark).
  virtual std::uint64_t dropped_downstream() const { return 0; }
  virtual std::uint64_t rotations() const { return 0; }
  virtual std::uint64_t torn_lines_repaired() const { return 0; }
};

}  // namespace mld::output
