#pragma once
// Port scans by one source: vertical (many ports of one target), horizontal
// (one port of many targets, ICMP echo sweeps included), TCP stealth probes
// (NULL, FIN, XMAS, ACK, Maimon) and UDP scans. Only unsuccessful or empty
// attempts count (a TCP flow without payload and at most a few packets, a
// UDP flow never answered), so a busy client with many connections to one
// server port, or a browser visiting many sites, is not a scanner.
#include <cstdint>
#include <unordered_map>

#include "detect/detect_context.h"
#include "detect/flow_opened.h"
#include "flow/flow_record.h"

namespace mld::detect {

struct ScanState {
  explicit ScanState(const ScanOptions& options);

  Window window;
  CappedSet probes;   // (target, protocol, port) attempted without success
  CappedSet stealth;  // (target, port) probed with a stealth first packet
  std::uint32_t definite_stealth = 0;  // NULL / XMAS: never sent by a real stack
  std::unordered_map<std::uint64_t, std::uint32_t> ports_of_target;  // key: target+protocol
  std::unordered_map<std::uint32_t, std::uint32_t> targets_of_port;  // key: protocol<<16|port
};

class ScanDetector {
 public:
  // The source's first packet of a flow: NULL and XMAS probes count at once.
  static void on_opened(ScanState& state, Firing& firing, const FlowOpened& event,
                        DetectContext& context);
  // The source's flow ended: was it an attempt that got nothing back?
  static void on_flow_end(ScanState& state, Firing& firing, const flow::FlowRecord& record,
                          DetectContext& context);
  // The scan detectors that apply to this flow of the source.
  static void score_flow(const Firing& firing, const flow::FlowRecord& record, Micros now,
                         const DetectOptions& options, FastScore& score);
};

// ICMP (or ICMPv6) echo request: a ping.
bool is_echo_request(std::uint8_t protocol, std::int16_t icmp_type);
// A TCP flow that carried no payload either way and whose source sent at
// most three packets, a UDP flow never answered, an ICMP echo request: what
// a scanner's attempt looks like.
bool is_probe(const flow::FlowRecord& record);
// A TCP probe that opened without a SYN and got at most a reset back (FIN,
// ACK, Maimon, NULL, XMAS scans).
bool is_stealth_probe(const flow::FlowRecord& record);

}  // namespace mld::detect
