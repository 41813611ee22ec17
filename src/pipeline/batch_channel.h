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

}  // namespace mld::pipeline
