#pragma once
// Runs one EventSink on its own thread behind a bounded queue of batches.
// When the queue is full the serializer either waits (`block`: nothing is
// lost, the capture slows down) or drops the batch and counts its events
// (`drop`: live capture never waits on a slow disk or network).
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/counter.h"
#include "output/event_sink.h"
#include "pipeline/run_stats.h"

namespace mld::output {

enum class QueuePolicy { block, drop };

class SinkThread {
 public:
  SinkThread(std::string name, std::unique_ptr<EventSink> sink, QueuePolicy policy,
             std::size_t queue_batches);
  ~SinkThread();  // finish()es if the owner did not
  SinkThread(const SinkThread&) = delete;
  SinkThread& operator=(const SinkThread&) = delete;

  bool wants_protobuf() const { return wants_protobuf_; }
  QueuePolicy policy() const { return policy_; }

  // Serializer thread: queue a batch (or count it dropped).
  void publish(std::shared_ptr<const EventBatch> batch);
  // Waits (at most `limit`) until every batch queued so far is written, so
  // stats() counts them.
  void wait_until_drained(std::chrono::milliseconds limit);
  // Drains the queue, closes and releases the sink, joins the thread. Idempotent.
  void finish();

  // Whether the sink failed, and how (empty when it did not).
  bool failed() const;
  std::string error() const;
  pipeline::SinkStats stats() const;

 private:
  void run();
  void write(const EventBatch& batch);
  void fail(const std::exception& error);

  const std::string name_;
  std::unique_ptr<EventSink> sink_;  // released once closed, with its file or socket
  const QueuePolicy policy_;
  const std::size_t capacity_;
  const bool wants_protobuf_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::shared_ptr<const EventBatch>> queue_;
  bool closing_ = false;
  bool writing_ = false;  // a batch taken from the queue is being written
  bool failed_ = false;
  std::string error_;

  // Drops are counted under the mutex: both threads count them (rarely).
  std::uint64_t dropped_queue_full_ = 0;
  std::uint64_t dropped_sink_failed_ = 0;
  Counter written_;  // the sink thread's
  Counter dropped_downstream_;
  Counter rotations_;
  Counter torn_lines_repaired_;
  std::thread thread_;
};

QueuePolicy parse_queue_policy(const std::string& text);  // "block" or "drop"

}  // namespace mld::output
