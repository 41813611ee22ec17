#include "flow/flow_key.h"

// Inlined: the hash runs once per packet, a library call costs as much as it.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <tuple>

namespace mld::flow {

FlowKey FlowKey::of(const decode::PacketView& packet, const KeyOptions& options,
                    bool& packet_from_lower) {
  FlowKey key{};  // unused VLAN slots and the segment id stay zero
  const bool has_ports =
      packet.protocol == decode::kProtoTcp || packet.protocol == decode::kProtoUdp;
  const std::uint16_t src_port = has_ports ? packet.src_port : 0;
  const std::uint16_t dst_port = has_ports ? packet.dst_port : 0;

  packet_from_lower =
      std::tie(packet.src_ip, src_port) <= std::tie(packet.dst_ip, dst_port);
  if (packet_from_lower) {
    key.lower_ip = packet.src_ip;
    key.lower_port = src_port;
    key.upper_ip = packet.dst_ip;
    key.upper_port = dst_port;
  } else {
    key.lower_ip = packet.dst_ip;
    key.lower_port = dst_port;
    key.upper_ip = packet.src_ip;
    key.upper_port = src_port;
  }
  key.protocol = packet.protocol;
  key.ip_version = packet.ip_version;
  key.tunnel_kind = packet.tunnel.kind;
  if (packet.tunnel.kind == decode::TunnelKind::vxlan ||
      packet.tunnel.kind == decode::TunnelKind::geneve) {
    key.segment_id = packet.tunnel.id;
  }
  if (options.vlan_in_key) {
    key.vlan_count = packet.vlans.count;
    for (std::size_t i = 0; i < packet.vlans.count; ++i) key.vlans[i] = packet.vlans.ids[i];
  }
  return key;
}

std::uint64_t FlowKey::hash(std::uint64_t seed) const {
  return XXH3_64bits_withSeed(this, sizeof(FlowKey), seed);
}

}  // namespace mld::flow
