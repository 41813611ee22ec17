#pragma once
// What a QUIC version number says about the client's first packets: their
// header layout, how they are protected and what handshake they carry.
//
// Supported (client Initial decrypted, hello parsed):
//   IETF QUIC v1 (RFC 9001) and v2 (RFC 9369); drafts 22-34 (0xff000016 to
//   0xff000022); Facebook mvfst 0xfaceb001 (draft-22 keys), 0xfaceb002 and
//   0xfaceb00e (draft-27 keys);
//   Google QUIC with TLS, T050 and T051; Google QUIC Q050 (protected CHLO);
//   Google QUIC Q024-Q046 (plaintext CHLO).
// Recognised without decryption: versions 0x?a?a?a?a, which only force a
// version negotiation (RFC 9000 section 15).
#include <array>
#include <cstdint>
#include <string>

namespace mld::app::quic {

enum class Family : std::uint8_t {
  ietf,             // RFC 9001-style protected Initial packets, TLS ClientHello in CRYPTO frames
  gquic_tls,        // T05x: IETF protection, TLS ClientHello in gQUIC's crypto frames
  gquic_chlo,       // Q050: IETF protection, gQUIC CHLO in gQUIC's crypto frames
  gquic_legacy,     // Q024-Q043: gQUIC public header, plaintext CHLO in stream 1
  gquic_q046,       // Q046: long-header-like public header, plaintext CHLO in stream 1
  forcing_negotiation,  // 0x?a?a?a?a: a client probing version negotiation
  unknown,
};

using Salt = std::array<std::uint8_t, 20>;

struct VersionTraits {
  Family family = Family::unknown;
  const Salt* salt = nullptr;  // Initial salt: set for the protected families
  bool v2_labels = false;  // RFC 9369 "quicv2 key" labels and rotated packet types
};

VersionTraits traits_of(std::uint32_t version);

// True for the families whose client Initial packets are AEAD-protected.
bool is_protected(Family family);

// "1", "2", "Q046" / "T051" for gQUIC, else the number as 8 lowercase hex digits.
std::string version_name(std::uint32_t version);

// Long header packet types, numbered as in QUIC v1.
enum class LongType : std::uint8_t { initial = 0, zero_rtt = 1, handshake = 2, retry = 3 };

// The type of a long header packet whose first byte is `first_byte`.
LongType long_type(const VersionTraits& traits, std::uint8_t first_byte);

}  // namespace mld::app::quic
