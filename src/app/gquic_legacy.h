#pragma once
// Google QUIC before the IETF-style packets (Q024 to Q046): the client's first
// packets travel in the clear, behind a 12-byte message hash, and carry the
// CHLO handshake message in STREAM frames of stream 1.
//   Q024-Q043: public header = flags, 8-byte connection ID, version, packet number.
//   Q046: a long header (0x80 set), version, one byte of two connection ID
//         lengths, the IDs and the packet number.
#include <cstdint>
#include <optional>

#include "app/dissector.h"
#include "app/quic_crypto_stream.h"

namespace mld::app::quic {

struct LegacyPacket {
  std::uint32_t version = 0;
  Bytes frames;  // after the message hash (and the private flags byte before Q034)
};

// Empty when `datagram` is not a client packet of Q024-Q046 with its version
// field, or its header runs past the datagram.
std::optional<LegacyPacket> parse_legacy_packet(Bytes datagram);

// True when `datagram` is a gQUIC packet with its version field (public flag
// 0x01) whose version is Q024-Q043: such a datagram is for parse_legacy_packet.
bool has_legacy_version(Bytes datagram);

enum class LegacyFrames : std::uint8_t {
  ok,         // STREAM frames read up to the end or to the first frame of another kind
  malformed,  // a STREAM frame ran past the packet
};

// Hands the data of stream 1's STREAM frames to `stream`. While the stream
// holds nothing, a frame that starts a CHLO at a later offset restarts it there.
LegacyFrames collect_handshake_stream(const LegacyPacket& packet, CryptoStream& stream);

}  // namespace mld::app::quic
