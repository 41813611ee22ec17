#pragma once
// Lets a thread sleep until another thread has news for it, without locks and
// without a lost wake-up:
//
//   const auto seen = bell.snapshot();
//   if (!try_to_make_progress()) bell.sleep(seen);   // returns at once if rung since
//
// Producers publish their data first, then ring(). Rung once per batch, never
// per packet.
#include <atomic>
#include <cstdint>

namespace mld::pipeline {

class Doorbell {
 public:
  std::uint32_t snapshot() const { return rings_.load(std::memory_order_seq_cst); }

  void sleep(std::uint32_t seen) {
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    rings_.wait(seen, std::memory_order_seq_cst);
    sleepers_.fetch_sub(1, std::memory_order_seq_cst);
  }

  void ring() {
    rings_.fetch_add(1, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) rings_.notify_all();
  }

 private:
  std::atomic<std::uint32_t> rings_{0};
  std::atomic<std::uint32_t> sleepers_{0};
};

}  // namespace mld::pipeline
