#pragma once
// Time in ML Defender is packet time: integer microseconds since the Unix epoch
// (spec/flow-features.md 0.4). Nanosecond captures are truncated on read.
#include <cstdint>

namespace mld {

using Micros = std::int64_t;

inline constexpr Micros kMicrosPerSecond = 1'000'000;

constexpr Micros seconds(std::int64_t s) { return s * kMicrosPerSecond; }

}  // namespace mld
