#pragma once
// What a worker emits when a flow ends: a self-contained value, oriented so
// that `src` is the flow's forward endpoint (spec 2.2).
#include <cstdint>
#include <string_view>

#include "common/fixed_text.h"
#include "common/time.h"
#include "decode/packet_view.h"
#include "flow/cic_features.h"
#include "flow/conn_tracker.h"
#include "flow/flow_identity.h"

namespace mld::flow {

#define MLD_END_REASONS(X)                                                        \
  X(timeout, "timeout")           /* active/idle timeout (profile)            */ \
  X(tcp_close, "tcp-close")       /* closed TCP flow ended by a new SYN (cic) */ \
  X(icmp_change, "icmp-change")   /* ICMP type and code changed (cic rule F)  */ \
  X(eviction, "eviction")         /* table full: least recently active flow  */ \
  X(end_of_input, "end-of-input") /* capture ended or sensor shut down        */

enum class EndReason : std::uint8_t {
#define MLD_END_ENUM(name, text) name,
  MLD_END_REASONS(MLD_END_ENUM)
#undef MLD_END_ENUM
      count
};
inline constexpr std::size_t kEndReasonCount = static_cast<std::size_t>(EndReason::count);

constexpr std::string_view end_reason_name(EndReason reason) {
  switch (reason) {
#define MLD_END_NAME(name, text) \
  case EndReason::name:          \
    return text;
    MLD_END_REASONS(MLD_END_NAME)
#undef MLD_END_NAME
    case EndReason::count:
      break;
  }
  return "unknown";
}

// The spec's own names for end reasons (3.2, 3.7), written next to the
// features: "evicted" flags a flow emitted before its time (memory pressure).
constexpr std::string_view cic_end_reason_name(EndReason reason) {
  switch (reason) {
    case EndReason::timeout: return "timeout";
    case EndReason::tcp_close: return "tcp_new_syn";
    case EndReason::icmp_change: return "icmp_change";
    case EndReason::eviction: return "evicted";
    case EndReason::end_of_input: return "end_of_input";
    case EndReason::count: break;
  }
  return "unknown";
}

// What the application layer learned about a flow (src/app fills it in).
struct AppSummary {
  bool inspected = false;  // the flow carried payload and the app layer saw it
  FixedText<48> proto;     // nDPI's "master.app" name: "TLS.YouTube", "DNS", "Unknown"
  FixedText<32> category;  // nDPI's category: "Media", "Network", ...
  FixedText<256> host;     // DNS query name, HTTP Host, TLS or QUIC SNI
  std::uint64_t risks = 0;  // bit i set: nDPI risk i (app::risk_name names it)
};

// What the detection layer concluded about a flow (src/detect fills it in).
struct DetectionSummary {
  bool scored = false;    // the detection layer saw the flow
  float fast_score = 0;   // rule detectors, 0..1
  float ml_score = 0;     // tree ensemble: 1 - P(benign), 0..1
  std::uint8_t authoritative = 0;  // detect::Authority
  FixedText<32> category;  // of the winning score: "scan", "dos", ... ("" when benign)
  FixedText<32> ml_label;  // the model's most likely attack class ("" when benign)
  std::uint32_t reasons = 0;  // bit i: detect::Detector i contributed
};

struct FlowRecord {
  std::uint64_t flow_id = 0;  // 51-bit, deterministic from key and start
  decode::IpVersion ip_version = decode::IpVersion::v4;
  std::uint8_t protocol = 0;
  decode::IpAddress src_ip, dst_ip;
  std::uint16_t src_port = 0, dst_port = 0;
  std::int16_t icmp_type = -1, icmp_code = -1;  // of the flow's first packet
  decode::VlanStack vlans;
  decode::TunnelInfo tunnel;
  std::uint16_t input_index = 0;  // capture file of the first packet
  std::uint8_t worker = 0;

  Micros start = 0, end = 0;
  std::uint64_t packets_toserver = 0, packets_toclient = 0;
  std::uint64_t bytes_toserver = 0, bytes_toclient = 0;  // original frame lengths

  FlowState state = FlowState::new_;
  EndReason reason = EndReason::end_of_input;
  ConnState conn_state = ConnState::OTH;
  std::uint8_t history_length = 0;
  char history[ConnTracker::kMaxHistory] = {};

  AppSummary app;
  DetectionSummary detection;

  // The CIC statistics travel as their accumulator: the sink computes the
  // 81 values while serializing, off the workers' packet path.
  bool has_features = false;
  Micros chain_start = 0;
  CicAccumulator features;

  std::string_view history_view() const { return {history, history_length}; }
  FlowIdentity identity() const {
    return {flow_id, ip_version, protocol, src_ip, dst_ip, src_port, dst_port, vlans, tunnel,
            input_index};
  }
  CicContext cic_context() const {
    return {start, static_cast<std::uint32_t>(end - start), chain_start,
            {packets_toserver, packets_toclient}, protocol, icmp_type, icmp_code};
  }
};

// Where a FlowTracker delivers ended flows. Called on the tracker's thread.
class FlowRecordSink {
 public:
  virtual ~FlowRecordSink() = default;
  virtual void on_flow_end(const FlowRecord& record) = 0;
};

}  // namespace mld::flow
