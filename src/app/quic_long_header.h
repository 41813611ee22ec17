#pragma once
// One long header packet (RFC 9000 section 17.2) at the start of what is left
// of a UDP datagram. A datagram may carry several (coalesced, section 12.2):
// each one's Length field says where the next begins.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "app/dissector.h"
#include "app/quic_version.h"

namespace mld::app::quic {

inline constexpr std::size_t kMaxConnectionIdLength = 20;

struct LongHeader {
  std::uint8_t first_byte = 0;  // still header-protected in protected versions
  std::uint32_t version = 0;
  VersionTraits traits;
  LongType type = LongType::initial;
  Bytes dcid, scid;  // empty unless the version is one we read (is_protected)
  // The packet, first byte to the end its Length gives. Packets without a
  // Length field (Retry, Version Negotiation, versions we cannot read) run to
  // the end of the datagram.
  Bytes packet;
  std::size_t pn_offset = 0;  // within `packet`; 0 when the packet has no packet number
};

// Empty when `bytes` does not start with a well-formed long header: too short,
// a connection ID over 20 bytes, or a Length beyond the datagram. Past the
// version, only the versions with protected Initial packets are read.
std::optional<LongHeader> parse_long_header(Bytes bytes);

}  // namespace mld::app::quic
