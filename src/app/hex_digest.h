#pragma once
// Lowercase hex digests for the fingerprints (JA3, JA4, HASSH).
#include <openssl/evp.h>

#include <string>
#include <string_view>

namespace mld::app {

// `algorithm` over `input` as lowercase hex; empty when OpenSSL refuses the
// algorithm (a FIPS-only provider refuses MD5).
std::string hex_digest(const EVP_MD* algorithm, std::string_view input);

}  // namespace mld::app
