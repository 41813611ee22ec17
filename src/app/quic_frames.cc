#include "app/quic_frames.h"

#include "app/quic_cursor.h"

namespace mld::app::quic {
namespace {

// RFC 9000 section 12.4: the frame types allowed in Initial packets.
constexpr std::uint8_t kPadding = 0x00;
constexpr std::uint8_t kPing = 0x01;
constexpr std::uint8_t kAck = 0x02;
constexpr std::uint8_t kAckEcn = 0x03;
constexpr std::uint8_t kCrypto = 0x06;
constexpr std::uint8_t kConnectionClose = 0x1c;
// Google's v50 versions number their CRYPTO frame 0x08.
constexpr std::uint8_t kGquicCrypto = 0x08;

bool skip_varints(Cursor& frames, int count) {
  std::uint64_t ignored = 0;
  for (int i = 0; i < count; ++i) {
    if (!frames.varint(ignored)) return false;
  }
  return true;
}

// RFC 9000 section 19.3. Every range costs at least two bytes, so a huge
// Range Count ends at the end of the packet, not in a long loop.
bool skip_ack(Cursor& frames, bool with_ecn) {
  std::uint64_t range_count = 0;
  if (!skip_varints(frames, 2) || !frames.varint(range_count) || !skip_varints(frames, 1)) {
    return false;
  }
  for (std::uint64_t i = 0; i < range_count; ++i) {
    if (!skip_varints(frames, 2)) return false;
  }
  return !with_ecn || skip_varints(frames, 3);
}

bool skip_connection_close(Cursor& frames) {
  std::uint64_t reason_length = 0;
  return skip_varints(frames, 2) && frames.varint(reason_length) && frames.skip(reason_length);
}

bool read_crypto(Cursor& frames, CryptoStream& stream) {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  Bytes data;
  if (!frames.varint(offset) || !frames.varint(length) || !frames.take(length, data)) return false;
  stream.add(offset, data);
  return true;
}

FrameWalk walk_ietf(Cursor& frames, CryptoStream& stream) {
  while (!frames.empty()) {
    std::uint8_t type = 0;
    frames.u8(type);
    bool read = true;
    switch (type) {
      case kPadding:
      case kPing:
        break;
      case kAck:
      case kAckEcn:
        read = skip_ack(frames, type == kAckEcn);
        break;
      case kCrypto:
        read = read_crypto(frames, stream);
        break;
      case kConnectionClose:
        read = skip_connection_close(frames);
        break;
      default:
        read = false;
    }
    if (!read) return FrameWalk::malformed;
  }
  return FrameWalk::ok;
}

// gQUIC's PADDING runs to the end of the packet; its ACK and other frames
// have layouts of their own that the handshake never needs, so the walk
// stops at the first frame that is not CRYPTO.
FrameWalk walk_gquic(Cursor& frames, CryptoStream& stream) {
  std::uint8_t type = 0;
  while (frames.u8(type) && type == kGquicCrypto) {
    if (!read_crypto(frames, stream)) return FrameWalk::malformed;
  }
  return FrameWalk::ok;
}

}  // namespace

FrameWalk collect_crypto_frames(Bytes plaintext, FrameDialect dialect, CryptoStream& stream) {
  Cursor frames(plaintext);
  return dialect == FrameDialect::ietf ? walk_ietf(frames, stream) : walk_gquic(frames, stream);
}

}  // namespace mld::app::quic
