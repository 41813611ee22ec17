#pragma once
// The DNS dissector (Suricata's "dns" events, version 3): one DnsEvent per
// message, request or response. Over UDP a datagram is a message; over TCP
// messages carry a 2-byte length prefix (RFC 1035 4.2.2) and may be split or
// coalesced anyhow, so each direction buffers at most one message
// (kMaxDnsTcpMessageBytes). Message parsing and its limits: app/dns_message.h.
#include <cstddef>
#include <memory>

#include "app/app_counters.h"
#include "app/dissector.h"

namespace mld::app {

// The length prefix and the largest message it can announce.
inline constexpr std::size_t kMaxDnsTcpMessageBytes = 2 + 65535;

// wants_more() stays true over UDP (depth limits end inspection); over TCP it
// turns false once both directions lost their framing to a gap.
std::unique_ptr<Dissector> make_dns_dissector(Transport transport, AppCounters& counters);

}  // namespace mld::app
