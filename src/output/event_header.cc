#include "output/event_header.h"

#include <utility>
#include <variant>

#include "decode/packet_view.h"
#include "output/community_id.h"

namespace mld::output {

EventHeader flow_header(const flow::FlowRecord& record) {
  return {record.start,          "flow",  record.identity(), record.icmp_type,
          record.icmp_code,      record.app.proto.view(),   &record.app};
}

EventHeader app_event_header(const app::AppEvent& event) {
  EventHeader header{event.timestamp, app::event_type_of(event.body), event.flow};
  // Suricata 8 writes each DNS message with its sender as src_ip (a response
  // comes from the server); its other protocol events keep the flow's
  // orientation, as the flow record does.
  const bool sent_by_destination = event.side == flow::Direction::backward &&
                                   std::holds_alternative<app::DnsEvent>(event.body);
  if (sent_by_destination) {
    std::swap(header.flow.src_ip, header.flow.dst_ip);
    std::swap(header.flow.src_port, header.flow.dst_port);
  }
  return header;
}

EventHeader alert_header(const detect::Alert& alert) {
  EventHeader header;
  header.timestamp = alert.timestamp;
  header.event_type = "alert";
  header.flow = alert.flow;
  return header;
}

std::string community_id_of(const EventHeader& h) {
  const flow::FlowIdentity& f = h.flow;
  const bool icmp = f.protocol == decode::kProtoIcmp || f.protocol == decode::kProtoIcmpv6;
  if (icmp && h.icmp_type < 0) return {};
  return community_id_v1(
      {f.ip_version, f.protocol, f.src_ip, f.dst_ip, f.src_port, f.dst_port, h.icmp_type,
       h.icmp_code});
}

}  // namespace mld::output
