#pragma once
// The canonical, direction-free identity of a flow (spec 2.1): both directions
// of a conversation produce the same key. Endpoints are ordered by
// (address bytes, port); the key also carries the VLAN stack (configurable)
// and the tunnel it was found in.
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "decode/packet_view.h"

namespace mld::flow {

struct KeyOptions {
  bool vlan_in_key = true;  // spec D4
};

struct FlowKey {
  decode::IpAddress lower_ip;
  decode::IpAddress upper_ip;
  std::uint16_t vlans[decode::VlanStack::kMaxVlans];
  std::uint32_t segment_id;  // VXLAN/Geneve VNI: overlapping tenant address spaces stay apart
  std::uint16_t lower_port;
  std::uint16_t upper_port;
  std::uint8_t protocol;
  decode::IpVersion ip_version;
  decode::TunnelKind tunnel_kind;
  std::uint8_t vlan_count;

  // Builds the key of `packet`; `packet_from_lower` says whether the packet was
  // sent by the lower endpoint. Ports only count for TCP and UDP (spec 1.4/2.1).
  static FlowKey of(const decode::PacketView& packet, const KeyOptions& options,
                    bool& packet_from_lower);

  // Seeded 64-bit hash (XXH3): seeding defends the table against hash flooding.
  std::uint64_t hash(std::uint64_t seed) const;

  bool operator==(const FlowKey& other) const {
    return std::memcmp(this, &other, sizeof(FlowKey)) == 0;
  }
};

// No padding: the key is hashed and compared as raw bytes.
static_assert(std::has_unique_object_representations_v<FlowKey>);
static_assert(sizeof(FlowKey) == 52);

}  // namespace mld::flow
