#pragma once
#include <cstdint>

namespace mld::flow {

// Which way a packet travels relative to its flow's forward endpoint (spec 2.2).
// Forward = from the flow's `src` (the originator, "toserver").
enum class Direction : std::uint8_t { forward = 0, backward = 1 };

constexpr int index(Direction d) { return static_cast<int>(d); }
constexpr Direction opposite(Direction d) {
  return d == Direction::forward ? Direction::backward : Direction::forward;
}

}  // namespace mld::flow
