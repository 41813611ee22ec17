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
  receive_until_closed(
      channels_, bell_, [this](const RecordBatch& batch) { deliver(batch); },
      [this] { flush_consumer(); });
  flush_consumer();
}

void Sink::flush_consumer() {
  if (!error_.empty()) return;
  try {
    consumer_.flush();
  } catch (const std::exception& e) {
    fail(e);
  }
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
