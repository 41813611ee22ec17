#pragma once
// The frames of a decrypted client Initial packet, as far as finding the
// handshake bytes needs: each CRYPTO frame's data goes to the crypto stream,
// the other frames an Initial packet may carry are stepped over.
#include "app/dissector.h"
#include "app/quic_crypto_stream.h"

namespace mld::app::quic {

enum class FrameDialect : std::uint8_t {
  ietf,   // RFC 9000 frames (v1, v2, drafts, mvfst)
  gquic,  // Google's T05x/Q050: CRYPTO is type 0x08, ACK and the rest are gQUIC's own
};

enum class FrameWalk : std::uint8_t {
  ok,         // every frame read (gQUIC: up to the first frame that is not CRYPTO)
  malformed,  // a frame ran past the packet, or a type not allowed in Initial packets
};

FrameWalk collect_crypto_frames(Bytes plaintext, FrameDialect dialect, CryptoStream& stream);

}  // namespace mld::app::quic
