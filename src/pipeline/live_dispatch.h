#pragma once
// Which live worker owns a flow: the user-space twin of the kernel's fanout
// program (capture/fanout_program.h). For every packet whose outer headers are
// its flow's headers the two agree, so the socket that received the packet
// is its owner; for the rest (tunnels, IPv6 extension headers, stacked VLANs)
// the receiving worker forwards the decoded packet to the owner computed here.
#include <cstdint>

#include "flow/flow_key.h"

namespace mld::pipeline {

// fanout_hash of the key's endpoints; symmetric, so both directions agree.
std::uint32_t live_flow_hash(const flow::FlowKey& key, std::uint64_t seed);

inline unsigned live_owner(const flow::FlowKey& key, std::uint64_t seed, unsigned workers) {
  return workers <= 1 ? 0 : live_flow_hash(key, seed) % workers;
}

}  // namespace mld::pipeline
