#include "flow/flow.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

namespace mld::flow {
namespace {

// Deterministic for a given key and start, independent of the hash seed and
// of the number of workers. 51 bits, like Suricata, so JSON readers that use
// doubles (JavaScript) keep every digit.
std::uint64_t flow_id_of(const FlowKey& key, Micros start) {
  unsigned char bytes[sizeof(FlowKey) + sizeof(Micros)];
  std::memcpy(bytes, &key, sizeof(FlowKey));
  std::memcpy(bytes + sizeof(FlowKey), &start, sizeof(Micros));
  return XXH3_64bits(bytes, sizeof bytes) & ((std::uint64_t{1} << 51) - 1);
}

}  // namespace

FlowIdentity identity_of(const Flow& flow) {
  const FlowKey& key = flow.key;
  FlowIdentity id;
  id.flow_id = flow_id_of(key, flow.start);
  id.ip_version = key.ip_version;
  id.protocol = key.protocol;
  if (flow.forward_is_lower) {
    id.src_ip = key.lower_ip, id.src_port = key.lower_port;
    id.dst_ip = key.upper_ip, id.dst_port = key.upper_port;
  } else {
    id.src_ip = key.upper_ip, id.src_port = key.upper_port;
    id.dst_ip = key.lower_ip, id.dst_port = key.lower_port;
  }
  id.vlans.count = key.vlan_count;
  std::copy_n(key.vlans, key.vlan_count, id.vlans.ids.begin());
  id.tunnel = {key.tunnel_kind, flow.tunnel_depth, flow.tunnel_id};
  id.input_index = flow.input_index;
  return id;
}

}  // namespace mld::flow
