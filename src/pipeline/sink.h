#pragma once
// The sink thread: drains the record batches of every worker into the
// RecordConsumer (the serializer), in batches, without locks.
#include <atomic>
#include <string>
#include <vector>

#include "common/counter.h"
#include "pipeline/batch_channel.h"
#include "pipeline/batches.h"
#include "pipeline/record_consumer.h"

namespace mld::pipeline {

class Sink {
 public:
  // `stop_requested` is raised when the consumer fails, so capture stops.
  Sink(std::vector<BatchChannel<RecordBatch>*> channels, Doorbell& bell, RecordConsumer& consumer,
       std::atomic<bool>& stop_requested);

  void run();  // returns when every channel is closed and drained

  std::uint64_t records_delivered() const { return delivered_.get(); }
  std::uint64_t records_failed() const { return failed_.get(); }
  std::uint64_t events_delivered() const { return events_delivered_.get(); }
  std::uint64_t alerts_delivered() const { return alerts_delivered_.get(); }
  const std::string& error() const { return error_; }  // read after run() returned

 private:
  void flush_consumer();  // unless the output already failed
  void deliver(const RecordBatch& batch);
  void fail(const std::exception& error);

  std::vector<BatchChannel<RecordBatch>*> channels_;
  Doorbell& bell_;
  RecordConsumer& consumer_;
  std::atomic<bool>& stop_requested_;
  Counter delivered_;
  Counter failed_;
  Counter events_delivered_;
  Counter alerts_delivered_;
  std::string error_;
};

}  // namespace mld::pipeline
