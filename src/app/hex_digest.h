#pragma once
// Lowercase hex digests for the fingerprints (JA3, JA4, HASSH, certificates).
#include <string>
#include <string_view>

#include "common/hex_text.h"

namespace mld::app {

enum class DigestAlgorithm { md5, sha1, sha256 };

// `algorithm` over `input` as lowercase hex, byte pairs joined by `separator`
// unless it is '\0'; empty when OpenSSL refuses the algorithm (a FIPS-only
// provider refuses MD5).
std::string hex_digest(DigestAlgorithm algorithm, std::string_view input, char separator = '\0');

}  // namespace mld::app
