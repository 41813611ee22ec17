#pragma once
// The wall clock, in the unit of packet time. Only for what really is wall
// time: live ticks, file rotation, the time a stats or log line is written.
#include <chrono>

#include "common/time.h"

namespace mld {

inline Micros wall_clock_now() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace mld
