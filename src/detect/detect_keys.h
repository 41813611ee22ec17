#pragma once
// 64-bit keys for the detectors' sets and maps: hosts, (host, port) pairs and
// names hashed once, so per-host state stores 8 bytes per item instead of
// addresses and strings.
#include <cstdint>
#include <functional>
#include <string_view>

#include "decode/ip_address.h"

namespace mld::detect {

inline std::uint64_t host_key(const decode::IpAddress& address) {
  const std::string_view bytes(reinterpret_cast<const char*>(address.bytes.data()),
                               address.bytes.size());
  return std::hash<std::string_view>{}(bytes);
}

inline std::uint64_t name_key(std::string_view name) {
  return std::hash<std::string_view>{}(name);
}

// Mixes `value` into `key` (boost::hash_combine's constant, 64-bit).
constexpr std::uint64_t combine_key(std::uint64_t key, std::uint64_t value) {
  return key ^ (value + 0x9e3779b97f4a7c15ull + (key << 6) + (key >> 2));
}

}  // namespace mld::detect
