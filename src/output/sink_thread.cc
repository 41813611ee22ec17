#include "output/sink_thread.h"

#include <algorithm>
#include <chrono>

namespace mld::output {
namespace {

// How often an idle sink wakes to flush and to check time-based rotation.
constexpr auto kIdleWake = std::chrono::milliseconds(200);

}  // namespace

QueuePolicy parse_queue_policy(const std::string& text) {
  if (text == "block") return QueuePolicy::block;
  if (text == "drop") return QueuePolicy::drop;
  throw std::invalid_argument("queue policy '" + text + "': expected block or drop");
}

SinkThread::SinkThread(std::string name, std::unique_ptr<EventSink> sink, QueuePolicy policy,
                       std::size_t queue_batches)
    : name_(std::move(name)),
      sink_(std::move(sink)),
      policy_(policy),
      capacity_(std::max<std::size_t>(1, queue_batches)),
      wants_protobuf_(sink_->wants_protobuf()) {
  rotations_.set(sink_->rotations());
  torn_lines_repaired_.set(sink_->torn_lines_repaired());
  thread_ = std::thread([this] { run(); });
}

SinkThread::~SinkThread() { finish(); }

void SinkThread::publish(std::shared_ptr<const EventBatch> batch) {
  const std::uint64_t events = batch->events();
  std::unique_lock lock(mutex_);
  if (policy_ == QueuePolicy::block) {
    changed_.wait(lock, [&] { return queue_.size() < capacity_ || failed_; });
  }
  if (failed_) {
    dropped_sink_failed_ += events;
    return;
  }
  if (queue_.size() >= capacity_) {
    dropped_queue_full_ += events;
    return;
  }
  queue_.push_back(std::move(batch));
  lock.unlock();
  changed_.notify_all();
}

void SinkThread::finish() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SinkThread::run() {
  for (;;) {
    std::shared_ptr<const EventBatch> batch;
    {
      std::unique_lock lock(mutex_);
      if (queue_.empty() && !closing_) {
        lock.unlock();
        try {
          if (!failed()) sink_->idle();
        } catch (const std::exception& e) {
          fail(e);
        }
        lock.lock();
        changed_.wait_for(lock, kIdleWake, [&] { return !queue_.empty() || closing_; });
      }
      if (queue_.empty()) {
        if (closing_) break;
        continue;
      }
      batch = std::move(queue_.front());
      queue_.pop_front();
      writing_ = true;
    }
    changed_.notify_all();  // a blocked publisher may go on
    write(*batch);
    {
      std::lock_guard lock(mutex_);
      writing_ = false;
    }
    changed_.notify_all();  // wait_until_drained may be waiting
  }
  try {
    if (!failed()) sink_->close();
  } catch (const std::exception& e) {
    fail(e);
  }
  rotations_.set(sink_->rotations());
  dropped_downstream_.set(sink_->dropped_downstream());
  sink_.reset();
}

void SinkThread::write(const EventBatch& batch) {
  if (!failed()) {
    try {
      sink_->write(batch);
      written_.add(batch.events());
      rotations_.set(sink_->rotations());
      dropped_downstream_.set(sink_->dropped_downstream());
      return;
    } catch (const std::exception& e) {
      fail(e);
    }
  }
  std::lock_guard lock(mutex_);
  dropped_sink_failed_ += batch.events();
}

void SinkThread::wait_until_drained(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, limit, [&] { return (queue_.empty() && !writing_) || failed_; });
}

void SinkThread::fail(const std::exception& error) {
  {
    std::lock_guard lock(mutex_);
    failed_ = true;
    error_ = name_ + " output: " + error.what();
  }
  changed_.notify_all();
}

bool SinkThread::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

std::string SinkThread::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

pipeline::SinkStats SinkThread::stats() const {
  pipeline::SinkStats s;
  s.name = name_;
  s.policy = policy_ == QueuePolicy::block ? "block" : "drop";
  s.events_written = written_.get();
  s.dropped_downstream = dropped_downstream_.get();
  {
    std::lock_guard lock(mutex_);
    s.dropped_queue_full = dropped_queue_full_;
    s.dropped_sink_failed = dropped_sink_failed_;
  }
  s.rotations = rotations_.get();
  s.torn_lines_repaired = torn_lines_repaired_.get();
  return s;
}

}  // namespace mld::output
