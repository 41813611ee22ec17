#include "output/event_header.h"

#include <utility>
#include <variant>

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

}  // namespace mld::output
