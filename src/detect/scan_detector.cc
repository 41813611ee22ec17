#include "detect/scan_detector.h"

#include <fmt/format.h>

#include <algorithm>

#include "detect/detect_keys.h"
#include "detect/target_filter.h"

namespace mld::detect {
namespace {

using decode::kProtoIcmp;
using decode::kProtoIcmpv6;
using decode::kProtoTcp;
using decode::kProtoUdp;
namespace tcp_flag = decode::tcp_flag;

// A set holds four times its threshold: enough to score to 1 (twice the
// threshold) with room for the detail's count.
std::size_t set_capacity(std::uint32_t threshold) {
  return std::max<std::size_t>(16, 4 * static_cast<std::size_t>(threshold));
}

bool has_any(std::string_view history, std::string_view letters) {
  return history.find_first_of(letters) != std::string_view::npos;
}

// NULL (no flags) and XMAS (FIN+PSH+URG) first packets.
bool is_definite_stealth(std::uint8_t flags) {
  constexpr std::uint8_t xmas = tcp_flag::fin | tcp_flag::psh | tcp_flag::urg;
  return flags == 0 || (flags & xmas) == xmas;
}

// A UDP scan sends empty datagrams, and protocol payloads to the services
// it knows (DNS, SNMP, NTP, NetBIOS, ... mostly system ports). Data sent to
// several ports above 1023 of one host is what peer-to-peer clients do to
// punch through the peer's NAT (Gnutella, games, VoIP): not counted.
bool is_data_to_a_peer_port(const flow::FlowRecord& record) {
  constexpr std::uint16_t kFirstUserPort = 1024;  // RFC 6335: system ports end at 1023
  return record.protocol == kProtoUdp && record.dst_port >= kFirstUserPort &&
         has_any(record.history_view(), "D");
}

std::string text(const decode::IpAddress& address, decode::IpVersion version) {
  return address.to_string(version);
}

Match scan_match(Detector detector, const flow::FlowIdentity& flow, Micros now, float score,
                 std::string detail) {
  Match match;
  match.detector = detector;
  match.flow = &flow;
  match.source = flow.src_ip;
  match.time = now;
  match.score = score;
  match.detail = std::move(detail);
  return match;
}

void check_stealth(ScanState& state, Firing& firing, const flow::FlowIdentity& flow, Micros now,
                   DetectContext& context) {
  const ScanOptions& options = context.options.scan;
  const double evidence =
      static_cast<double>(state.stealth.size()) + state.definite_stealth * options.stealth_probes;
  if (evidence < options.stealth_probes) return;
  Match match = scan_match(Detector::scan_stealth, flow, now,
                           context.score(evidence, options.stealth_probes),
                           fmt::format("{} stealth probes ({} NULL/XMAS) in {} s",
                                       state.stealth.size(), state.definite_stealth,
                                       state.window.elapsed(now) / kMicrosPerSecond));
  match.evidence = state.stealth.size() + state.definite_stealth;
  context.fire(firing, options.window, std::move(match));
}

void count_probe(ScanState& state, Firing& firing, const flow::FlowRecord& record,
                 DetectContext& context) {
  const ScanOptions& options = context.options.scan;
  const std::uint64_t target = host_key(record.dst_ip);
  const std::uint32_t port_key = std::uint32_t{record.protocol} << 16 | record.dst_port;
  if (context.insert(state.probes, combine_key(target, port_key)) != InsertResult::inserted) {
    return;
  }
  std::uint32_t& ports = state.ports_of_target[combine_key(target, record.protocol)];
  const bool counts_as_port = !is_data_to_a_peer_port(record);
  if (counts_as_port) ++ports;
  const std::uint32_t targets = ++state.targets_of_port[port_key];
  const flow::FlowIdentity flow = record.identity();
  const std::string elapsed = fmt::format("{} s", state.window.elapsed(record.end) /
                                                      kMicrosPerSecond);
  const std::uint32_t vertical =
      record.protocol == kProtoUdp ? options.udp_ports : options.vertical_ports;
  const bool has_ports = record.protocol == kProtoTcp || record.protocol == kProtoUdp;
  if (has_ports && counts_as_port && ports >= vertical) {
    Match match = scan_match(Detector::scan_vertical, flow, record.end,
                             context.score(ports, vertical),
                             fmt::format("{} {} ports of {} in {}", ports,
                                         record.protocol == kProtoUdp ? "UDP" : "TCP",
                                         text(record.dst_ip, record.ip_version), elapsed));
    match.target = record.dst_ip;
    match.evidence = ports;
    context.fire(firing, options.window, std::move(match));
  }
  const std::uint32_t horizontal = record.protocol == kProtoUdp ? options.udp_hosts
                                   : has_ports                   ? options.horizontal_hosts
                                                                 : options.icmp_hosts;
  if (targets >= horizontal) {
    Match match = scan_match(Detector::scan_horizontal, flow, record.end,
                             context.score(targets, horizontal),
                             has_ports ? fmt::format("{} hosts on port {} in {}", targets,
                                                     record.dst_port, elapsed)
                                       : fmt::format("{} hosts by ICMP echo in {}", targets,
                                                     elapsed));
    match.target_port = record.dst_port;
    match.evidence = targets;
    context.fire(firing, options.window, std::move(match));
  }
}

void restart_window(ScanState& state, Micros now, const ScanOptions& options) {
  if (!state.window.restart_if_over(now, options.window)) return;
  state.probes.clear();
  state.stealth.clear();
  state.definite_stealth = 0;
  state.ports_of_target.clear();
  state.targets_of_port.clear();
}

}  // namespace

ScanState::ScanState(const ScanOptions& options)
    : probes(set_capacity(std::max({options.vertical_ports, options.horizontal_hosts,
                                    options.udp_ports, options.udp_hosts}))),
      stealth(set_capacity(options.stealth_probes)) {}

bool is_echo_request(std::uint8_t protocol, std::int16_t icmp_type) {
  return (protocol == kProtoIcmp && icmp_type == 8) ||
         (protocol == kProtoIcmpv6 && icmp_type == 128);
}

bool is_probe(const flow::FlowRecord& record) {
  switch (record.protocol) {
    case kProtoTcp:
      return record.packets_toserver <= 3 && !has_any(record.history_view(), "Dd");
    case kProtoUdp:
      return record.packets_toclient == 0 && record.packets_toserver <= 3;
    default:
      return is_echo_request(record.protocol, record.icmp_type) && record.packets_toserver <= 3;
  }
}

bool is_stealth_probe(const flow::FlowRecord& record) {
  if (record.protocol != kProtoTcp || record.packets_toserver > 2) return false;
  const std::string_view history = record.history_view();
  // No handshake, no payload, and the target answered at most with a reset.
  return !has_any(history, "SsHhDd") && !has_any(history, "afi");
}

void ScanDetector::on_opened(ScanState& state, Firing& firing, const FlowOpened& event,
                             DetectContext& context) {
  if (event.flow.protocol != kProtoTcp || !is_definite_stealth(event.tcp_flags)) return;
  if (is_broadcast_or_multicast(event.flow.dst_ip, event.flow.ip_version)) return;
  restart_window(state, event.timestamp, context.options.scan);
  const std::uint64_t key = combine_key(host_key(event.flow.dst_ip), event.flow.dst_port);
  if (context.insert(state.stealth, key) != InsertResult::inserted) return;
  state.definite_stealth += 1;
  check_stealth(state, firing, event.flow, event.timestamp, context);
}

void ScanDetector::on_flow_end(ScanState& state, Firing& firing, const flow::FlowRecord& record,
                               DetectContext& context) {
  if (!is_probe(record) || is_broadcast_or_multicast(record.dst_ip, record.ip_version)) return;
  restart_window(state, record.end, context.options.scan);
  count_probe(state, firing, record, context);
  if (!is_stealth_probe(record)) return;
  const std::uint64_t key = combine_key(host_key(record.dst_ip), record.dst_port);
  if (context.insert(state.stealth, key) != InsertResult::inserted) return;
  check_stealth(state, firing, record.identity(), record.end, context);
}

void ScanDetector::score_flow(const Firing& firing, const flow::FlowRecord& record, Micros now,
                              const DetectOptions& options, FastScore& score) {
  if (!is_probe(record)) return;
  for (Detector detector :
       {Detector::scan_vertical, Detector::scan_horizontal, Detector::scan_stealth}) {
    score.add(detector, firing.score(detector, now), options.alert_score);
  }
  // A stealth probe is suspect by itself; it alerts only with others.
  if (is_stealth_probe(record)) {
    score.add(Detector::scan_stealth,
              detector_score(1, options.scan.stealth_probes, options.alert_score),
              options.alert_score);
  }
}

}  // namespace mld::detect
