#pragma once
// A one-way channel of batches between two threads, with a fixed number of
// batches that circulate: the producer takes an empty batch, fills it and
// sends it; the consumer receives it, uses it and releases it back. Memory is
// bounded by `depth` batches; a producer that runs out of empty batches must
// wait (or, in live mode, drop and count). Never blocks by itself: the
// threads sleep on their Doorbells.
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "pipeline/doorbell.h"
#include "pipeline/spsc_ring.h"

namespace mld::pipeline {

template <class Batch>
class BatchChannel {
 public:
  // `producer_bell` is rung when a batch comes back, `consumer_bell` when one
  // is sent or the channel closes. Several channels may share a bell.
  BatchChannel(std::uint32_t depth, Doorbell& producer_bell, Doorbell& consumer_bell)
      : full_(depth), empty_(depth), producer_bell_(producer_bell), consumer_bell_(consumer_bell) {
    for (std::uint32_t i = 0; i < depth; ++i) {
      storage_.push_back(std::make_unique<Batch>());
      empty_.try_push(storage_.back().get());
    }
  }

  // Producer side.
  Batch* try_acquire() {
    Batch* batch = nullptr;
    return empty_.try_pop(batch) ? batch : nullptr;
  }
  void send(Batch* batch) {
    full_.try_push(batch);  // cannot fail: at most `depth` batches exist
    consumer_bell_.ring();
  }
  void close() {
    closed_.store(true, std::memory_order_release);
    consumer_bell_.ring();
  }

  // Consumer side. After closed() has been observed true, one more
  // try_receive() drains what was sent before the close.
  Batch* try_receive() {
    Batch* batch = nullptr;
    return full_.try_pop(batch) ? batch : nullptr;
  }
  void release(Batch* batch) {
    empty_.try_push(batch);
    producer_bell_.ring();
  }
  bool closed() const { return closed_.load(std::memory_order_acquire); }

 private:
  std::vector<std::unique_ptr<Batch>> storage_;
  SpscRing<Batch*> full_;
  SpscRing<Batch*> empty_;
  Doorbell& producer_bell_;
  Doorbell& consumer_bell_;
  std::atomic<bool> closed_{false};
};

// The consumer's loop over several channels: hands every batch to `use` and
// returns it, until each channel is closed and drained. `idle` runs whenever
// nothing was waiting, just before the thread sleeps on `bell` (the channels'
// consumer bell): the place to flush partial output.
template <class Batch, class Use, class Idle>
void receive_until_closed(const std::vector<BatchChannel<Batch>*>& channels, Doorbell& bell,
                          Use&& use, Idle&& idle) {
  std::vector<bool> finished(channels.size(), false);
  std::size_t open = channels.size();
  while (open > 0) {
    const auto seen = bell.snapshot();
    bool progress = false;
    for (std::size_t i = 0; i < channels.size(); ++i) {
      if (finished[i]) continue;
      // Closed is read before draining: everything sent before the close is
      // then guaranteed to be drained in this pass.
      const bool closed = channels[i]->closed();
      while (Batch* batch = channels[i]->try_receive()) {
        use(*batch);
        channels[i]->release(batch);
        progress = true;
      }
      if (closed) {
        finished[i] = true;
        --open;
      }
    }
    if (progress || open == 0) continue;
    idle();
    bell.sleep(seen);
  }
}

}  // namespace mld::pipeline
