#pragma once
// The per-host state every detector keeps: fixed windows in traffic time
// (a window opens at the first evidence after the previous one closed) and
// what each detector currently says of the host, so the fusion can score a
// flow by what its hosts are doing.
#include <cstdint>

#include "common/time.h"
#include "detect/detector.h"

namespace mld::detect {

// Evidence reaches a host analyzer a little out of time order (a flow that
// timed out ended before the flows closed just before it, and workers hand
// flows over in their own order), so it can be older than the window's
// start: it counts in the current window. Only evidence a whole window
// away, later (the window is over) or earlier (a capture with an earlier
// timeline), opens a new one.
class Window {
 public:
  // True when `now` falls outside the current window: a new one opens at
  // `now` and the caller clears what it counted.
  bool restart_if_over(Micros now, Micros length) {
    if (started_ && now - start_ < length && start_ - now < length) return false;
    started_ = true;
    start_ = now;
    return true;
  }
  Micros elapsed(Micros now) const { return started_ && now > start_ ? now - start_ : 0; }

 private:
  bool started_ = false;
  Micros start_ = 0;
};

// The latest score of each detector for one host, valid until a time.
class Firing {
 public:
  void set(Detector detector, float score, Micros until) {
    const auto i = static_cast<std::size_t>(detector);
    score_[i] = score;
    until_[i] = until;
  }
  float score(Detector detector, Micros now) const {
    const auto i = static_cast<std::size_t>(detector);
    return now <= until_[i] ? score_[i] : 0.0f;
  }

 private:
  float score_[kDetectorCount] = {};
  Micros until_[kDetectorCount] = {};
};

}  // namespace mld::detect
