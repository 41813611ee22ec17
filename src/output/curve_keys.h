#pragma once
// CURVE keys in files, as `mldefender zmq-keygen` writes them: one key in Z85
// text (40 characters); surrounding whitespace is ignored. Errors name the
// file (and line) and never print a secret.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mld::output {

inline constexpr std::size_t kZ85KeyLength = 40;
using CurveKey = std::array<std::uint8_t, 32>;  // a key's raw bytes

struct CurveKeyPair {
  std::string public_key;  // Z85
  std::string secret_key;  // Z85
};

// Throws std::runtime_error when libzmq was built without CURVE (libsodium).
void require_curve(const std::string& what);

// A public key file (e.g. the sensor's PREFIX.pub). Throws naming the file.
std::string read_curve_public_key(const std::string& path);

// A secret key file (PREFIX.key), with the public key derived from it.
CurveKeyPair read_curve_secret_key(const std::string& path);

// An allow-list: one Z85 public key per line; blank lines and lines starting
// with '#' are ignored. Throws naming the file and line of a bad key.
std::vector<CurveKey> read_curve_clients(const std::string& path);

}  // namespace mld::output
