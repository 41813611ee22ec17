#pragma once
// Bytes as hex text: fingerprints, certificate serials, digests, MACs.
#include <cstdint>
#include <span>
#include <string>

namespace mld {

enum class HexCase { lower, upper };

// `bytes` as hex pairs, joined by `separator` unless it is '\0'.
inline std::string hex_text(std::span<const std::uint8_t> bytes, HexCase letters,
                            char separator = '\0') {
  const char* digits = letters == HexCase::lower ? "0123456789abcdef" : "0123456789ABCDEF";
  std::string text;
  text.reserve(3 * bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0 && separator != '\0') text += separator;
    text += digits[bytes[i] >> 4];
    text += digits[bytes[i] & 0x0f];
  }
  return text;
}

}  // namespace mld
