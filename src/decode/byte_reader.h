#pragma once
// Internal to src/decode: bounds-checked big-endian reads over captured bytes.
//
// Every offset is relative to the start of the captured frame, so layers can
// hand offsets to each other without re-basing. Reads outside the readable
// range return 0 instead of touching memory: callers still test has() first
// (a short header is a drop reason, not a zero), but a forgotten check can
// never read past the capture buffer.
#include <cstddef>
#include <cstdint>

namespace mld::decode {

class ByteReader {
 public:
  ByteReader() = default;
  ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::size_t size() const { return size_; }

  // True when bytes [offset, offset + n) are readable.
  bool has(std::size_t offset, std::size_t n) const {
    return offset <= size_ && n <= size_ - offset;
  }

  std::uint8_t u8(std::size_t offset) const { return has(offset, 1) ? data_[offset] : 0; }

  std::uint16_t be16(std::size_t offset) const {
    if (!has(offset, 2)) return 0;
    return static_cast<std::uint16_t>((data_[offset] << 8) | data_[offset + 1]);
  }

  std::uint32_t be32(std::size_t offset) const {
    if (!has(offset, 4)) return 0;
    return (std::uint32_t{data_[offset]} << 24) | (std::uint32_t{data_[offset + 1]} << 16) |
           (std::uint32_t{data_[offset + 2]} << 8) | std::uint32_t{data_[offset + 3]};
  }

  // Little-endian read, for the one header written in host order (DLT_NULL).
  std::uint32_t le32(std::size_t offset) const {
    if (!has(offset, 4)) return 0;
    return std::uint32_t{data_[offset]} | (std::uint32_t{data_[offset + 1]} << 8) |
           (std::uint32_t{data_[offset + 2]} << 16) | (std::uint32_t{data_[offset + 3]} << 24);
  }

  // Pointer to `n` readable bytes at `offset`, or nullptr.
  const std::uint8_t* at(std::size_t offset, std::size_t n) const {
    return has(offset, n) ? data_ + offset : nullptr;
  }

  // The same bytes, cut at `end` (no-op when `end` lies beyond the readable range).
  // Used to keep a layer from reading past its enclosing datagram, e.g. into
  // Ethernet padding.
  ByteReader truncated(std::size_t end) const {
    return ByteReader(data_, end < size_ ? end : size_);
  }

 private:
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace mld::decode
