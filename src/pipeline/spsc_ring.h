#pragma once
// Bounded single-producer/single-consumer queue of trivially copyable values.
#include <atomic>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>

namespace mld::pipeline {

template <class T>
class SpscRing {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  // `capacity` is rounded up to a power of two.
  explicit SpscRing(std::uint32_t capacity)
      : mask_(round_up_pow2(capacity) - 1), slots_(new T[mask_ + 1]) {}

  bool try_push(const T& value) {
    const std::uint32_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) > mask_) return false;
    slots_[tail & mask_] = value;
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  bool try_pop(T& value) {
    const std::uint32_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return false;
    value = slots_[head & mask_];
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

 private:
  static std::uint32_t round_up_pow2(std::uint32_t n) {
    std::uint32_t p = 1;
    while (p < n) p <<= 1;
    return p;
  }

  // Producer and consumer indices on separate cache lines (no false sharing).
  alignas(64) std::atomic<std::uint32_t> head_{0};
  alignas(64) std::atomic<std::uint32_t> tail_{0};
  alignas(64) const std::uint32_t mask_;
  std::unique_ptr<T[]> slots_;
};

}  // namespace mld::pipeline
