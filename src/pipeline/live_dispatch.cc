#include "pipeline/live_dispatch.h"

#include "capture/fanout_hash.h"

namespace mld::pipeline {

std::uint32_t live_flow_hash(const flow::FlowKey& key, std::uint64_t seed) {
  namespace fh = capture::fanout_hash;
  const fh::Seeds seeds = fh::split_seed(seed);
  const bool v4 = key.ip_version == decode::IpVersion::v4;
  const std::size_t words = v4 ? 1 : 4;
  // The key stores IPv4 addresses IPv4-mapped; the kernel hashes the 4 bytes.
  const std::uint8_t* lower = v4 ? key.lower_ip.v4_bytes() : key.lower_ip.bytes.data();
  const std::uint8_t* upper = v4 ? key.upper_ip.v4_bytes() : key.upper_ip.bytes.data();
  // FlowKey keeps ports only for TCP and UDP, as the fanout program does.
  return fh::combine(fh::endpoint(lower, words, key.lower_port, seeds),
                     fh::endpoint(upper, words, key.upper_port, seeds), seeds);
}

}  // namespace mld::pipeline
