#pragma once
// The header every event about a flow begins with (Suricata's: timestamp,
// flow_id, pcap_filename, event_type, vlan, the endpoints, proto, app_proto,
// icmp_type and icmp_code, community_id, tunnel), as one value that the EVE
// writer and the protobuf encoder both write: a flow record and the protocol
// events of the same flow name it the same way.
#include <cstdint>
#include <string_view>

#include <string>

#include "app/app_event.h"
#include "common/time.h"
#include "detect/alert.h"
#include "flow/flow_identity.h"
#include "flow/flow_record.h"

namespace mld::output {

struct EventHeader {
  Micros timestamp = 0;
  std::string_view event_type;
  flow::FlowIdentity flow;  // oriented as written: `src` becomes src_ip
  std::int16_t icmp_type = -1, icmp_code = -1;  // ICMP flows: of their first packet
  std::string_view app_proto;                   // empty: left out
  // Flow records: what the application layer learned (category, host,
  // risks follow app_proto); null for other events.
  const flow::AppSummary* app = nullptr;
};

// A flow record's header: the time of its first packet, the flow's orientation.
EventHeader flow_header(const flow::FlowRecord& record);

// A protocol event's header: the event's time, and the flow's orientation,
// except for DNS messages, which are written from their sender's side.
EventHeader app_event_header(const app::AppEvent& event);

// An alert's header: the time its threshold was crossed, and its flow.
EventHeader alert_header(const detect::Alert& alert);

// The header's community_id, or "" (left out) where it cannot be computed:
// ICMP flows are identified by their first packet's type and code, which
// alerts do not carry.
std::string community_id_of(const EventHeader& header);

}  // namespace mld::output
