#include "detect/flood_detector.h"

#include <fmt/format.h>

#include <algorithm>

#include "detect/scan_detector.h"

namespace mld::detect {
namespace {

using decode::kProtoTcp;
using decode::kProtoUdp;
namespace tcp_flag = decode::tcp_flag;

Match target_match(Detector detector, const flow::FlowIdentity& flow, Micros now, float score,
                   std::string detail) {
  Match match;
  match.detector = detector;
  match.flow = &flow;
  match.target = flow.dst_ip;  // source and ports stay empty: floods come from many
  match.time = now;
  match.score = score;
  match.detail = std::move(detail);
  return match;
}

void check(Detector detector, std::uint32_t flows, std::uint32_t threshold, const char* what,
           Firing& firing, const FlowOpened& event, DetectContext& context,
           const FloodState& state) {
  if (flows < threshold) return;
  // More distinct ports than a tenth of the flows: a scan, not a flood.
  if (state.ports.size() * 10 > flows) return;
  Match match = target_match(
      detector, event.flow, event.timestamp, context.score(flows, threshold),
      fmt::format("{} {} flows to {} in {} s", flows, what,
                  event.flow.dst_ip.to_string(event.flow.ip_version),
                  state.window.elapsed(event.timestamp) / kMicrosPerSecond));
  match.evidence = flows;
  context.fire(firing, context.options.flood.window, std::move(match));
}

// Response bytes per request byte; a response without a request seen counts
// as infinitely amplified (reflected traffic seen at the victim).
double amplification_ratio(std::uint64_t response, std::uint64_t request) {
  return request == 0 ? 1e9 : static_cast<double>(response) / static_cast<double>(request);
}

// One source pinging at flood rate: many echo requests in one long flow, at
// least icmp_flows per flood window.
bool is_ping_flood(const flow::FlowRecord& record, const FloodOptions& options) {
  const Micros span = std::max<Micros>(record.end - record.start, kMicrosPerSecond);
  return is_echo_request(record.protocol, record.icmp_type) &&
         record.packets_toserver >= options.icmp_flows &&
         static_cast<double>(record.packets_toserver) * static_cast<double>(options.window) >=
             static_cast<double>(options.icmp_flows) * static_cast<double>(span);
}

}  // namespace

FloodState::FloodState(const FloodOptions& options)
    : ports(std::max({options.syn_flows, options.udp_flows, options.icmp_flows}) / 10 + 1) {}

bool is_amplification_port(std::uint16_t port) {
  // chargen, QOTD, DNS, portmap, NetBIOS-NS, SNMP, CLDAP, RIP, SSDP, ARD,
  // WS-Discovery, mDNS, Ubiquiti discovery, memcached.
  constexpr std::uint16_t ports[] = {19,   17,   53,   111,  137,   161,  389,
                                     520,  1900, 3283, 3702, 5353, 10001, 11211};
  return std::find(std::begin(ports), std::end(ports), port) != std::end(ports);
}

void FloodDetector::on_opened_target(FloodState& target, Firing& firing, const FlowOpened& event,
                                     DetectContext& context) {
  const FloodOptions& options = context.options.flood;
  if (target.window.restart_if_over(event.timestamp, options.window)) {
    target.syn_flows = target.udp_flows = target.icmp_flows = 0;
    target.ports.clear();
  }
  context.insert(target.ports, event.flow.dst_port);
  const std::uint8_t protocol = event.flow.protocol;
  if (protocol == kProtoTcp && (event.tcp_flags & (tcp_flag::syn | tcp_flag::ack)) ==
                                   tcp_flag::syn) {
    check(Detector::flood_syn, ++target.syn_flows, options.syn_flows, "SYN", firing, event,
          context, target);
  } else if (protocol == kProtoUdp) {
    check(Detector::flood_udp, ++target.udp_flows, options.udp_flows, "UDP", firing, event,
          context, target);
  } else if (is_echo_request(protocol, event.icmp_type)) {
    check(Detector::flood_icmp, ++target.icmp_flows, options.icmp_flows, "ICMP echo", firing,
          event, context, target);
  }
}

const decode::IpAddress* FloodDetector::amplification_victim(const flow::FlowRecord& record) {
  if (record.protocol != kProtoUdp) return nullptr;
  if (is_amplification_port(record.dst_port)) return &record.src_ip;
  if (is_amplification_port(record.src_port)) return &record.dst_ip;
  return nullptr;
}

void FloodDetector::on_flow_end(FloodState& victim, Firing& victim_firing,
                                const flow::FlowRecord& record, DetectContext& context) {
  const FloodOptions& options = context.options.flood;
  const flow::FlowIdentity flow = record.identity();
  if (is_ping_flood(record, options)) {
    const Micros span = std::max<Micros>(record.end - record.start, kMicrosPerSecond);
    Match match = target_match(Detector::flood_icmp, flow, record.end,
                               context.score(record.packets_toserver, options.icmp_flows),
                               fmt::format("{} ICMP echo requests in {} s from one source",
                                           record.packets_toserver, span / kMicrosPerSecond));
    match.source = record.src_ip;
    context.alerts.add(std::move(match));
  }
  const decode::IpAddress* victim_ip = amplification_victim(record);
  if (victim_ip == nullptr) return;
  const bool reflected_to_source = victim_ip == &record.src_ip;
  const std::uint64_t to_source = record.bytes_toclient, to_destination = record.bytes_toserver;
  const std::uint64_t response = reflected_to_source ? to_source : to_destination;
  const std::uint64_t request = reflected_to_source ? to_destination : to_source;
  if (amplification_ratio(response, request) < options.amplification_ratio) return;
  if (victim.amplification_window.restart_if_over(record.end, options.window)) {
    victim.amplified_bytes = 0;
  }
  victim.amplified_bytes += response;
  if (victim.amplified_bytes < options.amplification_bytes) return;
  Match match = target_match(
      Detector::amplification, flow, record.end,
      context.score(static_cast<double>(victim.amplified_bytes),
                    static_cast<double>(options.amplification_bytes)),
      fmt::format("{} bytes of amplified responses to {} in {} s", victim.amplified_bytes,
                  victim_ip->to_string(record.ip_version),
                  victim.amplification_window.elapsed(record.end) / kMicrosPerSecond));
  match.target = *victim_ip;
  match.target_port = 0;
  context.fire(victim_firing, options.window, std::move(match));
}

void FloodDetector::score_flow(const Firing& target, const flow::FlowRecord& record, Micros now,
                               const DetectOptions& options, FastScore& score) {
  const double alert = options.alert_score;
  if (record.protocol == kProtoTcp && is_probe(record)) {
    score.add(Detector::flood_syn, target.score(Detector::flood_syn, now), alert);
  } else if (record.protocol == kProtoUdp) {
    score.add(Detector::flood_udp, target.score(Detector::flood_udp, now), alert);
  } else if (is_echo_request(record.protocol, record.icmp_type)) {
    score.add(Detector::flood_icmp, target.score(Detector::flood_icmp, now), alert);
    if (is_ping_flood(record, options.flood)) {
      score.add(Detector::flood_icmp,
                detector_score(static_cast<double>(record.packets_toserver),
                               options.flood.icmp_flows, alert),
                alert);
    }
  }
}

void FloodDetector::score_amplification(const Firing& victim, Micros now,
                                        const DetectOptions& options, FastScore& score) {
  score.add(Detector::amplification, victim.score(Detector::amplification, now),
            options.alert_score);
}

}  // namespace mld::detect
