#pragma once
// Which dissector reads a flow, decided from its first payload (and ports):
// content first, so services on unusual ports are still read.
#include <cstdint>
#include <memory>

#include "app/app_counters.h"
#include "app/dissector.h"

namespace mld::app {

struct FirstPayload {
  Transport transport = Transport::tcp;
  std::uint16_t src_port = 0, dst_port = 0;  // of the packet
  Bytes bytes;
};

// Null when no dissector applies.
std::unique_ptr<Dissector> choose_dissector(const FirstPayload& first, AppCounters& counters);

}  // namespace mld::app
