#pragma once
// The worker-wide budget for TCP bytes held out of order (stream.memcap):
// every TcpReassembler of one worker charges its held segments here, so a
// worker's reassembly memory stays bounded however many flows misbehave at
// once. The worker's thread only: plain integers, no atomics.
#include <cstddef>
#include <cstdint>

namespace mld::app {

class StreamMemory {
 public:
  explicit StreamMemory(std::uint64_t cap) : cap_(cap) {}
  StreamMemory(const StreamMemory&) = delete;
  StreamMemory& operator=(const StreamMemory&) = delete;

  // Reserves `n` bytes; false (nothing reserved) when that would pass the cap.
  bool reserve(std::size_t n) {
    if (n > cap_ - in_use_) return false;
    in_use_ += n;
    return true;
  }
  // Gives back bytes reserved earlier: callers release exactly what they reserved.
  void release(std::size_t n) { in_use_ -= n; }

  std::uint64_t in_use() const { return in_use_; }
  std::uint64_t cap() const { return cap_; }

 private:
  std::uint64_t cap_;
  std::uint64_t in_use_ = 0;
};

}  // namespace mld::app
