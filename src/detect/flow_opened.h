#pragma once
// The compact event a worker sends the host analyzers when a flow starts, so
// scans and floods are seen at their first packet, long before their flows
// time out.
#include <cstdint>

#include "common/time.h"
#include "flow/flow_identity.h"

namespace mld::detect {

struct FlowOpened {
  flow::FlowIdentity flow;  // src = the host that sent the first packet
  Micros timestamp = 0;
  std::uint8_t tcp_flags = 0;     // of the first packet (TCP only)
  std::int16_t icmp_type = -1;    // of the first packet (ICMP only)
  std::uint32_t payload_length = 0;
  // Which host analyzer roles this copy is for: the same event goes to the
  // shard of its source and to the shard of its target.
  bool as_source = true;
  bool as_target = true;
};

}  // namespace mld::detect
