#pragma once
// Who a flow is, oriented: `src` is the flow's forward endpoint (spec 2.2).
// Shared by the flow record and by every event raised about the flow, so
// they carry the same flow_id and 5-tuple (and community_id).
#include <cstdint>

#include "decode/packet_view.h"

namespace mld::flow {

struct FlowIdentity {
  std::uint64_t flow_id = 0;  // 51-bit, deterministic from key and start
  decode::IpVersion ip_version = decode::IpVersion::v4;
  std::uint8_t protocol = 0;
  decode::IpAddress src_ip, dst_ip;
  std::uint16_t src_port = 0, dst_port = 0;
  decode::VlanStack vlans;
  decode::TunnelInfo tunnel;
  std::uint16_t input_index = 0;  // capture file of the first packet
};

}  // namespace mld::flow
