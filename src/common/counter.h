#pragma once
// A statistic owned by exactly one thread and read (rarely) by others.
// The owner increments with a relaxed load + store: no locked instruction on
// the packet path, yet a concurrent reader sees a torn-free, slightly stale
// value (DESIGN.md: counters are per thread, summed only when read).
#include <atomic>
#include <cstdint>

namespace mld {

class Counter {
 public:
  void add(std::uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void set(std::uint64_t n) { value_.store(n, std::memory_order_relaxed); }
  std::uint64_t get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace mld
