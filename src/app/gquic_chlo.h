#pragma once
// Google QUIC's client hello (CHLO) handshake message, before TLS replaced it:
//   "CHLO", entry count (u16), padding (u16),
//   entries of (tag, end offset of its value) (u32 each, little-endian),
//   then the values back to back.
// The sensor wants two tags: SNI (server name) and UAID (user agent).
#include <cstdint>
#include <string>

#include "app/dissector.h"

namespace mld::app::quic {

struct Chlo {
  std::string sni;
  std::string user_agent;
};

// True when `prefix` (at least 4 bytes) starts with the CHLO tag.
bool starts_with_chlo_tag(Bytes prefix);

// The message's size as far as its first bytes tell: exact once the entry
// table is in, a lower bound before.
struct SizeSoFar {
  std::uint64_t bytes = 0;
  bool exact = false;
};
SizeSoFar chlo_size(Bytes prefix);

// `message`: the whole CHLO. False when an entry's value lies outside it or
// before the previous one; tags read before the fault are kept.
bool parse_chlo(Bytes message, Chlo& chlo);

}  // namespace mld::app::quic
