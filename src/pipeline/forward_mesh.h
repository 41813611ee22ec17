#pragma once
// Live mode: the bounded single-producer/single-consumer queues on which a
// worker hands a decoded packet to the worker that owns its flow, one queue
// per (from, to) pair, plus one wake-up bell per receiving worker.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "decode/packet_view.h"
#include "pipeline/spsc_ring.h"
#include "pipeline/wake_fd.h"

namespace mld::pipeline {

class ForwardMesh {
 public:
  using Queue = SpscRing<decode::PacketView>;

  // Memory grows with workers squared; the per-pair depth shrinks to keep the
  // total near 8192 packets per receiver (at least 128 per pair).
  static std::uint32_t depth_for(unsigned workers) {
    return workers <= 1 ? 0 : std::max<std::uint32_t>(128, 8192 / workers);
  }

  explicit ForwardMesh(unsigned workers) : workers_(workers) {
    const std::uint32_t depth = depth_for(workers);
    for (unsigned from = 0; from < workers; ++from) {
      bells_.push_back(std::make_unique<WakeFd>());
      for (unsigned to = 0; to < workers; ++to) {
        queues_.push_back(from == to ? nullptr : std::make_unique<Queue>(depth));
      }
    }
  }

  unsigned workers() const { return workers_; }
  Queue& queue(unsigned from, unsigned to) { return *queues_[from * workers_ + to]; }
  WakeFd& bell(unsigned to) { return *bells_[to]; }

 private:
  unsigned workers_;
  std::vector<std::unique_ptr<Queue>> queues_;  // [from * workers + to]; none on the diagonal
  std::vector<std::unique_ptr<WakeFd>> bells_;
};

}  // namespace mld::pipeline
