#pragma once
// Floods against one target: SYN, UDP and ICMP echo flows started towards it
// by any number of sources (spoofed ones included: the count is per target),
// one source pinging it at flood rate, and reflection/amplification - UDP
// responses from amplification services (DNS, NTP, SSDP, memcached, CLDAP,
// SNMP, chargen, ...) much larger than their requests, summed per victim.
#include <cstdint>

#include "detect/detect_context.h"
#include "detect/flow_opened.h"
#include "flow/flow_record.h"

namespace mld::detect {

struct FloodState {
  Window window;
  explicit FloodState(const FloodOptions& options);
  std::uint32_t syn_flows = 0, udp_flows = 0, icmp_flows = 0;
  // Distinct target ports of those flows: a flood hammers a few services,
  // a fast vertical scan (also thousands of SYNs) spreads over many.
  CappedSet ports;
  Window amplification_window;
  std::uint64_t amplified_bytes = 0;  // response bytes of amplified flows to this victim
};

// A UDP port of a service that answers small requests with large responses.
bool is_amplification_port(std::uint16_t port);

class FloodDetector {
 public:
  // A flow towards this shard's host started.
  static void on_opened_target(FloodState& target, Firing& firing, const FlowOpened& event,
                               DetectContext& context);
  // A flow ended: one source's ICMP flood, amplified responses to `victim`.
  // The victim is the endpoint that is not the service port: the record's
  // source when the (spoofed) requests were seen, else its destination.
  static void on_flow_end(FloodState& victim, Firing& victim_firing,
                          const flow::FlowRecord& record, DetectContext& context);
  // The endpoint of an amplification flow that receives the responses, or
  // null when the flow is not one.
  static const decode::IpAddress* amplification_victim(const flow::FlowRecord& record);
  static void score_flow(const Firing& target, const flow::FlowRecord& record, Micros now,
                         const DetectOptions& options, FastScore& score);
  static void score_amplification(const Firing& victim, Micros now,
                                  const DetectOptions& options, FastScore& score);
};

}  // namespace mld::detect
