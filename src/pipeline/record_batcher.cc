#include "pipeline/record_batcher.h"

namespace mld::pipeline {

void RecordBatcher::on_flow_end(const flow::FlowRecord& record) {
  if (!have_batch()) {
    dropped_.add();
    return;
  }
  current_->records[current_->count++] = record;
  if (current_->count == RecordBatch::kCapacity) flush();
}

void RecordBatcher::on_app_event(app::AppEvent&& event) {
  if (!have_batch()) {
    events_dropped_.add();
    return;
  }
  current_->events.push_back(std::move(event));
  if (current_->events.size() == RecordBatch::kEventCapacity) flush();
}

void RecordBatcher::on_flow_opened(const detect::FlowOpened& event) {
  if (!have_batch()) {
    opened_dropped_.add();
    return;
  }
  current_->opened.push_back(event);
  if (current_->opened.size() == RecordBatch::kOpenedCapacity) flush();
}

void RecordBatcher::on_alert(detect::Alert&& alert) {
  if (!have_batch()) {
    alerts_dropped_.add();
    return;
  }
  current_->alerts.push_back(std::move(alert));
  if (current_->alerts.size() == RecordBatch::kEventCapacity) flush();
}

void RecordBatcher::flush() {
  if (current_ == nullptr || current_->empty()) return;
  channel_.send(current_);
  current_ = nullptr;
}

void RecordBatcher::close() {
  // A batch we hold goes downstream even when empty: only the consumer may
  // return batches to the pool.
  if (current_ != nullptr) channel_.send(current_);
  current_ = nullptr;
  channel_.close();
}

bool RecordBatcher::have_batch() {
  while (current_ == nullptr) {
    const auto seen = own_bell_.snapshot();
    current_ = channel_.try_acquire();
    if (current_ != nullptr) {
      current_->clear();
      break;
    }
    if (policy_ == Backpressure::drop) return false;
    own_bell_.sleep(seen);
  }
  return true;
}

}  // namespace mld::pipeline
