#pragma once
// Bounds-checked reads over QUIC (and gQUIC) packet bytes: fixed-width
// integers in both byte orders and RFC 9000 variable-length integers. Every
// read either succeeds whole or leaves the cursor where it was and returns
// false, so a parser can never step past the bytes it was given.
#include <cstddef>
#include <cstdint>

#include "app/dissector.h"

namespace mld::app::quic {

class Cursor {
 public:
  explicit Cursor(Bytes bytes) : bytes_(bytes) {}

  bool empty() const { return pos_ == bytes_.size(); }
  std::size_t remaining() const { return bytes_.size() - pos_; }
  std::size_t position() const { return pos_; }
  Bytes rest() const { return bytes_.subspan(pos_); }

  bool u8(std::uint8_t& value) {
    if (remaining() < 1) return false;
    value = bytes_[pos_++];
    return true;
  }

  // Big-endian (network order) unsigned integer of `width` bytes (1..8).
  bool be(std::size_t width, std::uint64_t& value) {
    if (width == 0 || width > 8 || remaining() < width) return false;
    value = 0;
    for (std::size_t i = 0; i < width; ++i) value = (value << 8) | bytes_[pos_ + i];
    pos_ += width;
    return true;
  }

  // Little-endian, as gQUIC's handshake messages (and its early versions' frames) are written.
  bool le(std::size_t width, std::uint64_t& value) {
    if (width == 0 || width > 8 || remaining() < width) return false;
    value = 0;
    for (std::size_t i = width; i > 0; --i) value = (value << 8) | bytes_[pos_ + i - 1];
    pos_ += width;
    return true;
  }

  // RFC 9000 section 16: the two top bits of the first byte give the length (1, 2, 4, 8).
  bool varint(std::uint64_t& value) {
    if (remaining() < 1) return false;
    const std::size_t width = std::size_t{1} << (bytes_[pos_] >> 6);
    if (!be(width, value)) return false;
    value &= (~std::uint64_t{0}) >> (66 - 8 * width);  // drop the two length bits
    return true;
  }

  bool take(std::uint64_t n, Bytes& out) {
    if (n > remaining()) return false;
    out = bytes_.subspan(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return true;
  }

  bool skip(std::uint64_t n) {
    Bytes ignored;
    return take(n, ignored);
  }

 private:
  Bytes bytes_;
  std::size_t pos_ = 0;
};

}  // namespace mld::app::quic
