#include "output/eve_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "app/ndpi_engine.h"
#include "flow/conn_tracker.h"
#include "output/detection_fields.h"
#include "output/eve_fields.h"
#include "output/json_writer.h"
#include "output/number_format.h"

namespace mld::output {
namespace {

void write_vlans(JsonWriter& w, const decode::VlanStack& vlans) {
  if (vlans.count == 0) return;
  w.key("vlan");
  w.begin_array();
  for (std::uint8_t i = 0; i < vlans.count; ++i) w.value(vlans.ids[i]);
  w.end_array();
}

void write_app_summary(JsonWriter& w, const flow::AppSummary& app) {
  if (!app.category.empty()) w.field("app_category", app.category.view());
  if (!app.host.empty()) w.field("app_host", app.host.view());
  if (app.risks == 0) return;
  w.key("app_risks");
  w.begin_array();
  for (unsigned bit = 0; bit < app::kRiskBits; ++bit) {
    if (app.risks >> bit & 1) w.value(app::risk_name(bit));
  }
  w.end_array();
}

void write_endpoints(JsonWriter& w, const EventHeader& h) {
  const flow::FlowIdentity& f = h.flow;
  address_field(w, "src_ip", f.src_ip, f.ip_version);
  w.field("src_port", f.src_port);
  address_field(w, "dest_ip", f.dst_ip, f.ip_version);
  w.field("dest_port", f.dst_port);
  w.field("proto", protocol_name(f.protocol));
  if (!h.app_proto.empty()) w.field("app_proto", h.app_proto);
  if (h.app != nullptr) write_app_summary(w, *h.app);
  if (h.icmp_type >= 0) {
    w.field("icmp_type", h.icmp_type);
    w.field("icmp_code", h.icmp_code);
  }
  const std::string community_id = community_id_of(h);
  if (!community_id.empty()) w.field("community_id", community_id);
}

void write_tunnel(JsonWriter& w, const decode::TunnelInfo& tunnel) {
  if (tunnel.kind == decode::TunnelKind::none) return;
  w.key("tunnel");
  w.begin_object();
  w.field("type", decode::tunnel_kind_name(tunnel.kind));
  w.field("depth", tunnel.depth);
  if (tunnel.id != 0) w.field("id", tunnel.id);
  w.end_object();
}

void write_flow_object(JsonWriter& w, const flow::FlowRecord& r) {
  w.key("flow");
  w.begin_object();
  w.field("pkts_toserver", r.packets_toserver);
  w.field("pkts_toclient", r.packets_toclient);
  w.field("bytes_toserver", r.bytes_toserver);
  w.field("bytes_toclient", r.bytes_toclient);
  time_field(w, "start", r.start);
  time_field(w, "end", r.end);
  // Suricata's age: difference of the whole seconds of end and start.
  w.field("age", std::int64_t{r.end / kMicrosPerSecond - r.start / kMicrosPerSecond});
  w.field("state", flow::flow_state_name(r.state));
  w.field("reason", flow::end_reason_name(r.reason));
  w.field("alerted", alerted(r));
  w.field("conn_state", flow::conn_state_name(r.conn_state));
  w.field("history", r.history_view());
  w.end_object();
}

// `,"<key>":` for every CIC column, built once: the 81-column block is the
// bulk of a flow record, so it is written under a single capacity check.
struct FeatureKeys {
  FeatureKeys() {
    for (std::size_t i = 0; i < flow::kCicColumnCount; ++i) {
      prefixes[i] = ",\"" + std::string(flow::kCicColumns[i].json_key) + "\":";
      longest = std::max(longest, prefixes[i].size());
    }
  }
  std::string prefixes[flow::kCicColumnCount];
  std::size_t longest = 0;
};

void write_features(JsonWriter& w, const flow::FlowRecord& r, flow::FeatureProfile profile) {
  static const FeatureKeys keys;
  if (!r.has_features) return;
  const flow::CicValues values = r.features.values(r.cic_context(), profile);
  w.key("features");
  TextBuffer& out = w.raw_value();
  out += "{\"cic_profile\":\"";
  out += flow::feature_profile_name(profile);
  out += "\",\"cic_end_reason\":\"";
  out += flow::cic_end_reason_name(r.reason);
  out += "\"";
  char* start = out.reserve(flow::kCicColumnCount * (keys.longest + kMaxNumberLength) + 1);
  char* p = start;
  for (std::size_t i = 0; i < flow::kCicColumnCount; ++i) {
    const std::string& prefix = keys.prefixes[i];
    std::memcpy(p, prefix.data(), prefix.size());
    p += prefix.size();
    const flow::CicValue& v = values[i];
    // JSON has no NaN or infinity: the writer's convention is null.
    if (v.is_float && !std::isfinite(v.real)) {
      std::memcpy(p, "null", 4);
      p += 4;
    } else {
      p += v.is_float ? format_double(v.real, p) : format_integer(v.integer, p);
    }
  }
  *p++ = '}';
  out.advance(static_cast<std::size_t>(p - start));
}

void write_capture_stats(JsonWriter& w, const pipeline::RunStats& s) {
  w.key("capture");
  w.begin_object();
  w.field("inputs", s.capture.inputs);
  w.field("input_errors", s.capture.input_errors);
  w.field("packets", s.decode.packets_read);
  w.field("bytes", s.decode.bytes_read);
  w.field("timestamps_clamped", s.capture.timestamps_clamped);
  w.field("timeline_restarts", s.capture.timeline_restarts);
  w.field("kernel_packets", s.capture.kernel_packets);
  w.field("kernel_drops", s.capture.kernel_drops);
  w.end_object();
}

void write_decoder_stats(JsonWriter& w, const pipeline::DecodeStats& d) {
  w.key("decoder");
  w.begin_object();
  w.field("packets", d.packets_decoded);
  w.field("tunnelled", d.tunnelled);
  w.field("dropped", d.dropped());
  w.key("drops");
  w.begin_object();
  for (std::size_t i = 1; i < decode::kDropReasonSlots; ++i) {
    w.field(decode::drop_reason_name(static_cast<decode::DropReason>(i)), d.drops[i]);
  }
  w.end_object();
  w.key("notes");
  w.begin_object();
  for (std::size_t i = 0; i < decode::kDecodeNoteCount; ++i) {
    w.field(decode::kDecodeNoteNames[i], d.notes[i]);
  }
  w.end_object();
  w.end_object();
}

void write_app_stats(JsonWriter& w, const pipeline::AppStats& a) {
  w.key("app");
  w.begin_object();
#define MLD_APP_STAT_FIELD(name) w.field(#name, a.name);
  MLD_APP_COUNTERS(MLD_APP_STAT_FIELD)
#undef MLD_APP_STAT_FIELD
  w.end_object();
}

// Every counter and every detector, zeros included: the object has one
// shape, as the decoder's drops do.
void write_detect_stats(JsonWriter& w, const detect::DetectStats& d) {
  w.key("detect");
  w.begin_object();
#define MLD_DETECT_STAT_FIELD(name, text) w.field(text, d.name);
  MLD_DETECT_COUNTERS(MLD_DETECT_STAT_FIELD)
#undef MLD_DETECT_STAT_FIELD
  w.key("alerts_by_detector");
  w.begin_object();
  for (std::size_t i = 0; i < detect::kDetectorCount; ++i) {
    w.field(detect::detector_info(static_cast<detect::Detector>(i)).name,
            d.alerts_by_detector[i]);
  }
  w.end_object();
  w.end_object();
}

void write_flow_stats(JsonWriter& w, const pipeline::FlowStats& f) {
  w.key("flow");
  w.begin_object();
  w.field("packets", f.packets);
  w.field("bytes", f.bytes);
  w.field("created", f.created);
  w.field("continuations", f.continuations);
  w.key("ended");
  w.begin_object();
  for (std::size_t i = 0; i < flow::kEndReasonCount; ++i) {
    w.field(flow::end_reason_name(static_cast<flow::EndReason>(i)), f.ended[i]);
  }
  w.end_object();
  w.field("evicted", f.ended[static_cast<std::size_t>(flow::EndReason::eviction)]);
  w.field("active", f.active);
  w.field("timestamps_clamped", f.timestamps_clamped);
  w.field("tombstones_expired", f.tombstones_expired);
  w.field("tombstones_evicted", f.tombstones_evicted);
  w.end_object();
}

void write_worker_stats(JsonWriter& w, const std::vector<pipeline::WorkerStats>& workers) {
  w.key("workers");
  w.begin_array();
  for (std::size_t i = 0; i < workers.size(); ++i) {
    w.begin_object();
    w.field("worker", std::uint64_t{i});
    w.field("packets", workers[i].packets);
    w.field("flows", workers[i].flows_created);
    w.field("records_dropped", workers[i].records_dropped);
    w.field("packets_forwarded", workers[i].packets_forwarded);  // live
    w.field("forward_drops", workers[i].forward_drops);
    w.end_object();
  }
  w.end_array();
}

// Per sink, as counted when the stats record was written.
void write_sink_stats(JsonWriter& w, const std::vector<pipeline::SinkStats>& sinks) {
  w.key("sinks");
  w.begin_array();
  for (const pipeline::SinkStats& sink : sinks) {
    w.begin_object();
    w.field("sink", sink.name);
    w.field("policy", sink.policy);
    w.field("events_written", sink.events_written);
    w.key("dropped");
    w.begin_object();
    w.field("queue_full", sink.dropped_queue_full);
    w.field("sink_failed", sink.dropped_sink_failed);
    w.field("downstream", sink.dropped_downstream);
    w.end_object();
    w.field("rotations", sink.rotations);
    w.field("torn_lines_repaired", sink.torn_lines_repaired);
    w.end_object();
  }
  w.end_array();
}

}  // namespace

std::string protocol_name(std::uint8_t protocol) {
  switch (protocol) {
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 4: return "IPv4";
    case 6: return "TCP";
    case 17: return "UDP";
    case 41: return "IPv6";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 58: return "IPv6-ICMP";
    case 89: return "OSPF";
    case 103: return "PIM";
    case 112: return "VRRP";
    case 113: return "PGM";
    case 132: return "SCTP";
    default: return std::to_string(protocol);
  }
}

EveWriter::EveWriter(std::vector<std::string> input_names, flow::FeatureProfile features)
    : input_names_(std::move(input_names)), features_(features) {}

void EveWriter::write_header(JsonWriter& w, const EventHeader& h) const {
  time_field(w, "timestamp", h.timestamp);
  w.field("flow_id", h.flow.flow_id);
  if (h.flow.input_index < input_names_.size()) {
    w.field("pcap_filename", input_names_[h.flow.input_index]);
  }
  w.field("event_type", h.event_type);
  write_vlans(w, h.flow.vlans);
  write_endpoints(w, h);
  write_tunnel(w, h.flow.tunnel);
}

void EveWriter::append_flow(const flow::FlowRecord& r, TextBuffer& out) const {
  JsonWriter w(out);
  w.begin_object();
  write_header(w, flow_header(r));
  write_flow_object(w, r);
  if (r.detection.scored) write_detection(w, r.detection);
  write_features(w, r, features_);
  w.end_object();
  out.push_back('\n');
}

void EveWriter::append_stats(const pipeline::RunStats& s, Micros timestamp, TextBuffer& out) const {
  JsonWriter w(out);
  w.begin_object();
  time_field(w, "timestamp", timestamp);
  w.field("event_type", "stats");
  w.key("stats");
  w.begin_object();
  write_capture_stats(w, s);
  write_decoder_stats(w, s.decode);
  write_flow_stats(w, s.flow);
  write_app_stats(w, s.app);
  write_detect_stats(w, s.detect);
  write_worker_stats(w, s.workers);
  w.key("dispatch");
  w.begin_object();
  w.field("packets_forwarded", s.dispatch.packets_forwarded);
  w.field("forward_drops", s.dispatch.forward_drops);
  w.end_object();
  w.key("output");
  w.begin_object();
  w.field("records", s.output.records_delivered);
  w.field("records_failed", s.output.records_failed);
  w.field("events", s.output.events_delivered);
  w.field("events_dropped", s.output.events_dropped);
  write_sink_stats(w, s.sinks);
  w.end_object();
  w.end_object();
  w.end_object();
  out.push_back('\n');
}

}  // namespace mld::output
