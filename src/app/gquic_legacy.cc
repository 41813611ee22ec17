#include "app/gquic_legacy.h"

#include "app/gquic_chlo.h"
#include "app/quic_cursor.h"
#include "app/quic_version.h"

namespace mld::app::quic {
namespace {

// Public flags of Q024-Q043 (Chromium's quic_packets.h).
constexpr std::uint8_t kFlagVersion = 0x01;
constexpr std::uint8_t kFlagConnectionId = 0x08;  // 8-byte ID (clients also set 0x04)
constexpr std::uint8_t kFlagsPacketNumber = 0x30;
// Never set by gQUIC clients; IETF QUIC's fixed bit, short headers included.
constexpr std::uint8_t kFlagUnused = 0x40;
constexpr std::uint8_t kLongHeaderForm = 0x80;
constexpr std::size_t kConnectionIdLength = 8;
constexpr std::size_t kMessageHashLength = 12;  // FNV-1a of the clear packet, cut to 96 bits
constexpr std::uint32_t kFirstWithoutPrivateFlags = 34;
constexpr std::uint32_t kFirstBigEndian = 39;

// STREAM frame type bits: 1FDOOOSS.
constexpr std::uint8_t kStreamFrame = 0x80;
constexpr std::uint8_t kStreamHasLength = 0x20;
constexpr std::uint64_t kHandshakeStream = 1;

std::uint32_t version_number(std::uint32_t version) {
  return ((version >> 16) & 0xff) * 100 + ((version >> 8) & 0xff) * 10 + (version & 0xff) -
         ('0' * 111);
}

bool is_version(std::uint32_t version, Family family) {
  return traits_of(version).family == family;
}

// Q024-Q043: flags, connection ID, version, packet number (1, 2, 4 or 6 bytes).
bool read_public_header(Cursor& cursor, std::uint32_t& version) {
  std::uint8_t flags = 0;
  std::uint64_t number = 0;
  if (!cursor.u8(flags) || (flags & (kLongHeaderForm | kFlagUnused)) != 0 ||
      (flags & kFlagVersion) == 0) {
    return false;
  }
  if ((flags & kFlagConnectionId) != 0 && !cursor.skip(kConnectionIdLength)) return false;
  if (!cursor.be(4, number)) return false;
  version = static_cast<std::uint32_t>(number);
  constexpr std::size_t kPacketNumberLengths[] = {1, 2, 4, 6};
  return is_version(version, Family::gquic_legacy) &&
         cursor.skip(kPacketNumberLengths[(flags & kFlagsPacketNumber) >> 4]);
}

// Q046: form bit, version, connection ID lengths as two nibbles (n + 3, 0 = absent).
bool read_q046_header(Cursor& cursor, std::uint32_t& version) {
  std::uint8_t first = 0;
  std::uint8_t lengths = 0;
  std::uint64_t number = 0;
  if (!cursor.u8(first) || (first & kLongHeaderForm) == 0 || !cursor.be(4, number) ||
      !cursor.u8(lengths)) {
    return false;
  }
  version = static_cast<std::uint32_t>(number);
  auto id_length = [](unsigned nibble) -> std::size_t { return nibble == 0 ? 0 : nibble + 3; };
  return is_version(version, Family::gquic_q046) && cursor.skip(id_length(lengths >> 4)) &&
         cursor.skip(id_length(lengths & 0x0f)) && cursor.skip((first & 0x03u) + 1);
}

bool read_stream_frame(Cursor& frames, std::uint8_t type, bool big_endian, CryptoStream& stream) {
  const std::size_t id_length = (type & 0x03u) + 1;
  const std::size_t offset_bits = (type >> 2) & 0x07u;
  const std::size_t offset_length = offset_bits == 0 ? 0 : offset_bits + 1;
  std::uint64_t id = 0;
  std::uint64_t offset = 0;
  std::uint64_t length = frames.remaining();
  auto number = [&](std::size_t width, std::uint64_t& value) {
    return big_endian ? frames.be(width, value) : frames.le(width, value);
  };
  if (!number(id_length, id) || (offset_length > 0 && !number(offset_length, offset))) {
    return false;
  }
  if ((type & kStreamHasLength) != 0 && !number(2, length)) return false;
  Bytes data;
  if (!frames.take(length, data)) return false;
  if (id != kHandshakeStream) return true;
  if (stream.empty() && offset > 0 && starts_with_chlo_tag(data)) stream.restart_at(offset);
  stream.add(offset, data);
  return true;
}

}  // namespace

bool has_legacy_version(Bytes datagram) {
  Cursor cursor(datagram);
  std::uint32_t version = 0;
  return read_public_header(cursor, version);
}

std::optional<LegacyPacket> parse_legacy_packet(Bytes datagram) {
  Cursor cursor(datagram);
  LegacyPacket packet;
  const bool q046 = !datagram.empty() && (datagram[0] & kLongHeaderForm) != 0;
  if (!(q046 ? read_q046_header(cursor, packet.version)
             : read_public_header(cursor, packet.version)) ||
      !cursor.skip(kMessageHashLength)) {
    return std::nullopt;
  }
  if (version_number(packet.version) < kFirstWithoutPrivateFlags && !cursor.skip(1)) {
    return std::nullopt;
  }
  packet.frames = cursor.rest();
  return packet;
}

LegacyFrames collect_handshake_stream(const LegacyPacket& packet, CryptoStream& stream) {
  Cursor frames(packet.frames);
  const bool big_endian = version_number(packet.version) >= kFirstBigEndian;
  std::uint8_t type = 0;
  while (frames.u8(type) && (type & kStreamFrame) != 0) {
    if (!read_stream_frame(frames, type, big_endian, stream)) return LegacyFrames::malformed;
  }
  return LegacyFrames::ok;
}

}  // namespace mld::app::quic
