#pragma once
// Community ID v1 (https://github.com/corelight/community-id-spec): the flow
// hash Zeek, Suricata and others print, so analysts can pivot between tools.
#include <cstdint>
#include <string>

#include "decode/ip_address.h"

namespace mld::output {

struct CommunityIdInput {
  decode::IpVersion ip_version = decode::IpVersion::v4;
  std::uint8_t protocol = 0;
  decode::IpAddress src_ip, dst_ip;
  std::uint16_t src_port = 0, dst_port = 0;
  std::int16_t icmp_type = -1, icmp_code = -1;  // ICMP/ICMPv6: take the place of ports
};

// "1:" + base64(SHA-1(seed, addresses, protocol, 0, ports)).
std::string community_id_v1(const CommunityIdInput& flow, std::uint16_t seed = 0);

}  // namespace mld::output
