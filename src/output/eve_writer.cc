#include "output/eve_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "flow/conn_tracker.h"
#include "output/community_id.h"
#include "output/iso_time.h"
#include "output/json_writer.h"
#include "output/number_format.h"

namespace mld::output {
namespace {

void time_field(JsonWriter& w, std::string_view name, Micros time) {
  char text[kMaxTimeLength];
  w.field(name, std::string_view(text, format_time(time, TimeStyle::eve, text)));
}

void address_field(JsonWriter& w, std::string_view name, const decode::IpAddress& address,
                   decode::IpVersion version) {
  char text[decode::IpAddress::kMaxTextLength];
  w.field(name, std::string_view(text, address.format(version, text)));
}

void write_endpoints(JsonWriter& w, const flow::FlowRecord& r) {
  address_field(w, "src_ip", r.src_ip, r.ip_version);
  w.field("src_port", r.src_port);
  address_field(w, "dest_ip", r.dst_ip, r.ip_version);
  w.field("dest_port", r.dst_port);
  w.field("proto", protocol_name(r.protocol));
  if (r.icmp_type >= 0) {
    w.field("icmp_type", r.icmp_type);
    w.field("icmp_code", r.icmp_code);
  }
  const CommunityIdInput id{r.ip_version, r.protocol, r.src_ip,    r.dst_ip,
                            r.src_port,   r.dst_port, r.icmp_type, r.icmp_code};
  w.field("community_id", community_id_v1(id));
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
  w.field("alerted", false);
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

void EveWriter::append_flow(const flow::FlowRecord& r, TextBuffer& out) const {
  JsonWriter w(out);
  w.begin_object();
  time_field(w, "timestamp", r.start);
  w.field("flow_id", r.flow_id);
  if (r.input_index < input_names_.size()) w.field("pcap_filename", input_names_[r.input_index]);
  w.field("event_type", "flow");
  if (r.vlans.count > 0) {
    w.key("vlan");
    w.begin_array();
    for (std::uint8_t i = 0; i < r.vlans.count; ++i) w.value(r.vlans.ids[i]);
    w.end_array();
  }
  write_endpoints(w, r);
  write_tunnel(w, r.tunnel);
  write_flow_object(w, r);
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
  write_sink_stats(w, s.sinks);
  w.end_object();
  w.end_object();
  w.end_object();
  out.push_back('\n');
}

}  // namespace mld::output
