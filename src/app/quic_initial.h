#pragma once
// Removing the protection of a client's Initial packet (RFC 9001 sections 5.2
// to 5.4; RFC 9369 section 3.3 for v2). Initial keys come from a salt fixed
// by the version and the Destination Connection ID of the client's first
// Initial packet, so an observer can derive them as the server does:
//   initial_secret = HKDF-Extract(salt, dcid)
//   client_secret  = HKDF-Expand-Label(initial_secret, "client in", "", 32)
//   key, iv, hp    = HKDF-Expand-Label(client_secret, "quic key" / "quic iv" / "quic hp")
// Header protection is AES-128-ECB of a 16-byte sample, the payload is AES-128-GCM.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "app/dissector.h"
#include "app/quic_version.h"

namespace mld::app::quic {

using Secret = std::array<std::uint8_t, 32>;

struct InitialKeys {
  std::array<std::uint8_t, 16> key{};
  std::array<std::uint8_t, 12> iv{};
  std::array<std::uint8_t, 16> hp{};
};

// Empty only when OpenSSL fails (no SHA-256 HKDF available).
std::optional<Secret> client_initial_secret(const Salt& salt, Bytes dcid);
std::optional<InitialKeys> keys_from_secret(const Secret& secret, bool v2_labels);
// The client's Initial keys for a protected version (traits.salt set).
std::optional<InitialKeys> client_initial_keys(const VersionTraits& traits, Bytes dcid);

enum class Unprotect : std::uint8_t {
  ok,
  too_short,              // no room for the header protection sample or the tag
  failed_authentication,  // wrong keys (not this client's packet) or altered bytes
};

// `packet`: one long header packet, from its first byte to the end given by its
// Length field; `pn_offset`: where its (protected) packet number starts.
// On ok, `plaintext` holds the decrypted frames.
Unprotect unprotect_initial(const InitialKeys& keys, Bytes packet, std::size_t pn_offset,
                            std::vector<std::uint8_t>& plaintext);

}  // namespace mld::app::quic
