#include "app/quic_long_header.h"

#include "app/quic_cursor.h"

namespace mld::app::quic {
namespace {

constexpr std::uint8_t kLongHeaderForm = 0x80;

bool connection_id(Cursor& cursor, Bytes& id) {
  std::uint8_t length = 0;
  return cursor.u8(length) && length <= kMaxConnectionIdLength && cursor.take(length, id);
}

// Token (Initial packets only) and Length: where the packet number starts and the packet ends.
bool packet_extent(Cursor& cursor, LongHeader& header, Bytes bytes) {
  std::uint64_t token_length = 0;
  if (header.type == LongType::initial &&
      (!cursor.varint(token_length) || !cursor.skip(token_length))) {
    return false;
  }
  std::uint64_t length = 0;
  if (!cursor.varint(length) || length > cursor.remaining()) return false;
  header.pn_offset = cursor.position();
  header.packet = bytes.first(header.pn_offset + static_cast<std::size_t>(length));
  return true;
}

}  // namespace

std::optional<LongHeader> parse_long_header(Bytes bytes) {
  Cursor cursor(bytes);
  LongHeader header;
  std::uint64_t version = 0;
  if (!cursor.u8(header.first_byte) || (header.first_byte & kLongHeaderForm) == 0 ||
      !cursor.be(4, version)) {
    return std::nullopt;
  }
  header.version = static_cast<std::uint32_t>(version);
  header.traits = traits_of(header.version);
  header.type = long_type(header.traits, header.first_byte);
  header.packet = bytes;
  // Past the version, the layout is the version's own: read only those we know.
  if (header.version == 0 || !is_protected(header.traits.family)) return header;
  if (!connection_id(cursor, header.dcid) || !connection_id(cursor, header.scid)) {
    return std::nullopt;
  }
  if (header.type != LongType::retry && !packet_extent(cursor, header, bytes)) return std::nullopt;
  return header;
}

}  // namespace mld::app::quic
