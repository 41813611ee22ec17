#pragma once
// Domain names in DNS wire format (RFC 1035 4.1.4): labels and compression
// pointers. Hostile messages use pointer loops, pointers past the message and
// names longer than the protocol allows; reading a name is bounded whatever
// the bytes say: at most kMaxPointerHops jumps and kMaxNameWireBytes of name.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/dissector.h"

namespace mld::app::dns {

// The longest name DNS allows, counted as on the wire (length bytes included).
inline constexpr std::size_t kMaxNameWireBytes = 255;
// Compression pointers followed for one name; a legitimate name needs few.
inline constexpr int kMaxPointerHops = 32;

enum class NameStatus : std::uint8_t {
  ok,
  // A loop, a pointer past the message, a reserved label type after a
  // pointer, or a name over kMaxNameWireBytes: the name's text is what parsed
  // before the fault, and its end in the message is known.
  bad,
  // The name's own bytes (before any pointer) run past the message or use a
  // reserved label type: where the name ends is unknown.
  unterminated,
};

struct WireName {
  std::string text;     // labels joined by '.', bytes kept raw; "" for the root
  std::size_t end = 0;  // offset just after the name where it was read (valid unless unterminated)
  NameStatus status = NameStatus::ok;
};

// Reads the name that starts at `offset` of `message` (the whole DNS message,
// which compression pointers index).
WireName read_name(Bytes message, std::size_t offset);

}  // namespace mld::app::dns
