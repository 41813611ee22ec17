#include "pipeline/sink.h"

#include <stdexcept>

namespace mld::pipeline {

Sink::Sink(std::vector<BatchChannel<RecordBatch>*> channels, Doorbell& bell,
           RecordConsumer& consumer, std::atomic<bool>& stop_requested)
    : channels_(std::move(channels)),
      bell_(bell),
      consumer_(consumer),
      stop_requested_(stop_requested) {}

void Sink::run() {
  std::vector<bool> finished(channels_.size(), false);
  std::size_t open = channels_.size();
  while (open > 0) {
    const auto seen = bell_.snapshot();
    bool progress = false;
    for (std::size_t i = 0; i < channels_.size(); ++i) {
      if (finished[i]) continue;
      // Closed is read before draining: everything sent before the close is
      // then guaranteed to be drained in this pass.
      const bool closed = channels_[i]->closed();
      progress |= drain(*channels_[i]);
      if (closed) {
        finished[i] = true;
        --open;
      }
    }
    if (progress || open == 0) continue;
    if (error_.empty()) {
      try {
        consumer_.flush();
      } catch (const std::exception& e) {
        fail(e);
      }
    }
    bell_.sleep(seen);
  }
  if (error_.empty()) {
    try {
      consumer_.flush();
    } catch (const std::exception& e) {
      fail(e);
    }
  }
}

bool Sink::drain(BatchChannel<RecordBatch>& channel) {
  bool any = false;
  while (RecordBatch* batch = channel.try_receive()) {
    deliver(*batch);
    channel.release(batch);
    any = true;
  }
  return any;
}

void Sink::deliver(const RecordBatch& batch) {
  for (const app::AppEvent& event : batch.events) {
    if (!error_.empty()) break;
    try {
      consumer_.consume(event);
      events_delivered_.add();
    } catch (const std::exception& e) {
      fail(e);
    }
  }
  for (const detect::Alert& alert : batch.alerts) {
    if (!error_.empty()) break;
    try {
      consumer_.consume(alert);
      alerts_delivered_.add();
    } catch (const std::exception& e) {
      fail(e);
    }
  }
  for (std::uint32_t i = 0; i < batch.count; ++i) {
    if (!error_.empty()) {
      failed_.add(batch.count - i);
      return;
    }
    try {
      consumer_.consume(batch.records[i]);
      delivered_.add();
    } catch (const std::exception& e) {
      fail(e);
      failed_.add();
    }
  }
}

void Sink::fail(const std::exception& error) {
  error_ = error.what();
  stop_requested_.store(true, std::memory_order_relaxed);
}

}  // namespace mld::pipeline
