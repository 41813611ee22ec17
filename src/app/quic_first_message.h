#pragma once
// Whether the reassembled start of a client's handshake stream holds its
// first message whole yet: a TLS ClientHello (IETF QUIC, T05x) or a gQUIC
// CHLO (Q024-Q050).
#include <cstddef>
#include <cstdint>

#include "app/dissector.h"

namespace mld::app::quic {

enum class HandshakeFormat : std::uint8_t { tls, gquic_chlo };

enum class MessageState : std::uint8_t {
  incomplete,   // more bytes are needed
  complete,     // `message` holds it whole
  not_a_hello,  // the stream starts with another message: nothing to read
  oversized,    // longer than `limit`: it will never be held whole
};

struct FirstMessage {
  MessageState state = MessageState::incomplete;
  // TLS: the 4-byte handshake header and the ClientHello body; gQUIC: the CHLO.
  Bytes message;
};

// `stream`: the bytes held without a hole from the stream's start.
FirstMessage first_message(HandshakeFormat format, Bytes stream, std::size_t limit);

}  // namespace mld::app::quic
