#pragma once
// Destinations that many hosts reach legitimately without answers: multicast
// and broadcast (service discovery, NetBIOS, DHCP). Scans and floods do not
// count them.
#include "decode/ip_address.h"

namespace mld::detect {

inline bool is_broadcast_or_multicast(const decode::IpAddress& address,
                                      decode::IpVersion version) {
  if (version == decode::IpVersion::v6) return address.bytes[0] == 0xff;
  const std::uint8_t* v4 = address.v4_bytes();
  // 224/4 multicast, 255.255.255.255, and .255 as the likely directed
  // broadcast of a /24 or wider (the netmask is not known here).
  return (v4[0] & 0xf0) == 0xe0 || v4[3] == 255;
}

}  // namespace mld::detect
