#pragma once
// An IPv4 or IPv6 address as a 16-byte value. IPv4 is stored IPv4-mapped
// (::ffff:a.b.c.d) so that both families compare and hash the same way; the
// family travels separately (in the packet view and the flow key).
#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <string>

namespace mld::decode {

enum class IpVersion : std::uint8_t { v4 = 4, v6 = 6 };

struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};

  static IpAddress from_v4(const std::uint8_t* network_order_4_bytes) {
    IpAddress a;
    a.bytes[10] = 0xff;
    a.bytes[11] = 0xff;
    std::memcpy(a.bytes.data() + 12, network_order_4_bytes, 4);
    return a;
  }
  static IpAddress from_v6(const std::uint8_t* network_order_16_bytes) {
    IpAddress a;
    std::memcpy(a.bytes.data(), network_order_16_bytes, 16);
    return a;
  }

  const std::uint8_t* v4_bytes() const { return bytes.data() + 12; }

  // Dotted quad for IPv4, RFC 5952 text for IPv6.
  std::string to_string(IpVersion version) const;
  // The same text into `out` (at least kMaxTextLength bytes, no terminator
  // needed); returns its length. No allocation: the serializer's hot path.
  static constexpr std::size_t kMaxTextLength = 46;
  std::size_t format(IpVersion version, char* out) const;

  auto operator<=>(const IpAddress&) const = default;
};

}  // namespace mld::decode
