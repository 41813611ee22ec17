#include "output/protobuf_encoder.h"

#include <mldefender/events/v1/events.pb.h>  // generated, in the build tree

#include <array>
#include <stdexcept>

#include "app/ndpi_engine.h"
#include "decode/drop_reason.h"
#include "flow/cic_columns.h"
#include "output/detection_fields.h"
#include "output/event_header.h"
#include "output/eve_writer.h"
#include "output/protobuf_app_bodies.h"
#include "output/protobuf_detection.h"
#include "output/stack_text.h"

namespace mld::output {
namespace {

namespace pb = mld::events::v1;

// Protobuf 3.21's string setters take (pointer, size), not std::string_view;
// this spares a temporary std::string per field.
#define MLD_SET_TEXT(message, field, text)             \
  do {                                                 \
    const std::string_view view_ = (text);             \
    (message).set_##field(view_.data(), view_.size()); \
  } while (0)

// One CIC column into its typed field: the schema gives each column the type
// its value always has (the subflow columns, whose type depends on the
// profile, are set again afterwards).
void set_column(pb::Features& f, void (pb::Features::*setter)(std::int64_t),
                const flow::CicValue& v) {
  (f.*setter)(v.integer);
}
void set_column(pb::Features& f, void (pb::Features::*setter)(double), const flow::CicValue& v) {
  (f.*setter)(v.real);
}

void set_features(const flow::CicValues& values, pb::Features& f) {
  using flow::CicColumn;
  // A column without a field of its name in the schema does not compile.
#define MLD_SET_COLUMN(key, csv) \
  set_column(f, &pb::Features::set_##key, values[static_cast<std::size_t>(CicColumn::key)]);
  MLD_CIC_COLUMNS(MLD_SET_COLUMN)
#undef MLD_SET_COLUMN
  auto subflow = [&](CicColumn column, void (pb::Features::*set_real)(double)) {
    const flow::CicValue& v = values[static_cast<std::size_t>(column)];
    if (v.is_float) (f.*set_real)(v.real);
  };
  subflow(CicColumn::subflow_fwd_packets, &pb::Features::set_subflow_fwd_packets_real);
  subflow(CicColumn::subflow_fwd_bytes, &pb::Features::set_subflow_fwd_bytes_real);
  subflow(CicColumn::subflow_bwd_packets, &pb::Features::set_subflow_bwd_packets_real);
  subflow(CicColumn::subflow_bwd_bytes, &pb::Features::set_subflow_bwd_bytes_real);
}

void set_stats(const pipeline::RunStats& s, pb::Stats& out) {
  pb::Stats::Capture& capture = *out.mutable_capture();
  capture.set_inputs(s.capture.inputs);
  capture.set_input_errors(s.capture.input_errors);
  capture.set_packets(s.decode.packets_read);
  capture.set_bytes(s.decode.bytes_read);
  capture.set_timestamps_clamped(s.capture.timestamps_clamped);
  capture.set_timeline_restarts(s.capture.timeline_restarts);
  capture.set_kernel_packets(s.capture.kernel_packets);
  capture.set_kernel_drops(s.capture.kernel_drops);

  pb::Stats::Decoder& decoder = *out.mutable_decoder();
  decoder.set_packets(s.decode.packets_decoded);
  decoder.set_tunnelled(s.decode.tunnelled);
  decoder.set_dropped(s.decode.dropped());
  pb::Stats::Drops& drops = *decoder.mutable_drops();
#define MLD_SET_DROP(name) \
  drops.set_##name(s.decode.drops[static_cast<std::size_t>(decode::DropReason::name)]);
  MLD_DROP_REASONS(MLD_SET_DROP)
#undef MLD_SET_DROP
  // The note names are a plain list: found by name once, checked by a test.
  static const auto note_fields = [] {
    std::array<const google::protobuf::FieldDescriptor*, decode::kDecodeNoteCount> fields{};
    for (std::size_t i = 0; i < fields.size(); ++i) {
      fields[i] = pb::Stats::Notes::descriptor()->FindFieldByName(decode::kDecodeNoteNames[i]);
      if (fields[i] == nullptr) {
        throw std::logic_error(std::string("events.proto: Stats.Notes has no field ") +
                               decode::kDecodeNoteNames[i]);
      }
    }
    return fields;
  }();
  pb::Stats::Notes& notes = *decoder.mutable_notes();
  for (std::size_t i = 0; i < note_fields.size(); ++i) {
    notes.GetReflection()->SetUInt64(&notes, note_fields[i], s.decode.notes[i]);
  }

  pb::Stats::Flows& flows = *out.mutable_flow();
  flows.set_packets(s.flow.packets);
  flows.set_bytes(s.flow.bytes);
  flows.set_created(s.flow.created);
  flows.set_continuations(s.flow.continuations);
  pb::Stats::Ended& ended = *flows.mutable_ended();
#define MLD_SET_ENDED(name, text) \
  ended.set_##name(s.flow.ended[static_cast<std::size_t>(flow::EndReason::name)]);
  MLD_END_REASONS(MLD_SET_ENDED)
#undef MLD_SET_ENDED
  flows.set_evicted(s.flow.ended[static_cast<std::size_t>(flow::EndReason::eviction)]);
  flows.set_active(s.flow.active);
  flows.set_timestamps_clamped(s.flow.timestamps_clamped);
  flows.set_tombstones_expired(s.flow.tombstones_expired);
  flows.set_tombstones_evicted(s.flow.tombstones_evicted);

  pb::Stats::App& app = *out.mutable_app();
#define MLD_SET_APP(name) app.set_##name(s.app.name);
  MLD_APP_COUNTERS(MLD_SET_APP)
#undef MLD_SET_APP
  set_detect_stats(s.detect, *out.mutable_detect());

  for (std::size_t i = 0; i < s.workers.size(); ++i) {
    const pipeline::WorkerStats& from = s.workers[i];
    pb::Stats::Worker& worker = *out.add_workers();
    worker.set_worker(i);
    worker.set_packets(from.packets);
    worker.set_flows(from.flows_created);
    worker.set_records_dropped(from.records_dropped);
    worker.set_packets_forwarded(from.packets_forwarded);
    worker.set_forward_drops(from.forward_drops);
  }
  out.mutable_dispatch()->set_packets_forwarded(s.dispatch.packets_forwarded);
  out.mutable_dispatch()->set_forward_drops(s.dispatch.forward_drops);

  pb::Stats::Output& output = *out.mutable_output();
  output.set_records(s.output.records_delivered);
  output.set_records_failed(s.output.records_failed);
  output.set_events(s.output.events_delivered);
  output.set_events_dropped(s.output.events_dropped);
  for (const pipeline::SinkStats& from : s.sinks) {
    pb::Stats::Sink& sink = *output.add_sinks();
    sink.set_sink(from.name);
    sink.set_policy(from.policy);
    sink.set_events_written(from.events_written);
    sink.mutable_dropped()->set_queue_full(from.dropped_queue_full);
    sink.mutable_dropped()->set_sink_failed(from.dropped_sink_failed);
    sink.mutable_dropped()->set_downstream(from.dropped_downstream);
    sink.set_rotations(from.rotations);
    sink.set_torn_lines_repaired(from.torn_lines_repaired);
  }
}

// The header fields, as EveWriter::write_header writes them.
void set_app_summary(const flow::AppSummary& app, pb::Event& e) {
  if (!app.category.empty()) MLD_SET_TEXT(e, app_category, app.category.view());
  if (!app.host.empty()) MLD_SET_TEXT(e, app_host, app.host.view());
  for (unsigned bit = 0; bit < app::kRiskBits; ++bit) {
    if (app.risks >> bit & 1) e.add_app_risks(std::string(app::risk_name(bit)));
  }
}

void set_header(const EventHeader& h, const std::vector<std::string>& input_names,
                pb::Event& e) {
  const flow::FlowIdentity& f = h.flow;
  const TimeText time(h.timestamp);
  MLD_SET_TEXT(e, timestamp, time.view());
  e.set_flow_id(f.flow_id);
  if (f.input_index < input_names.size()) e.set_pcap_filename(input_names[f.input_index]);
  MLD_SET_TEXT(e, event_type, h.event_type);
  for (std::uint8_t i = 0; i < f.vlans.count; ++i) e.add_vlan(f.vlans.ids[i]);
  const AddressText src(f.src_ip, f.ip_version), dest(f.dst_ip, f.ip_version);
  MLD_SET_TEXT(e, src_ip, src.view());
  e.set_src_port(f.src_port);
  MLD_SET_TEXT(e, dest_ip, dest.view());
  e.set_dest_port(f.dst_port);
  e.set_proto(protocol_name(f.protocol));
  if (!h.app_proto.empty()) MLD_SET_TEXT(e, app_proto, h.app_proto);
  if (h.app != nullptr) set_app_summary(*h.app, e);
  if (h.icmp_type >= 0) {
    e.set_icmp_type(h.icmp_type);
    e.set_icmp_code(h.icmp_code);
  }
  const std::string community_id = community_id_of(h);
  if (!community_id.empty()) e.set_community_id(community_id);
  if (f.tunnel.kind != decode::TunnelKind::none) {
    pb::Tunnel& tunnel = *e.mutable_tunnel();
    MLD_SET_TEXT(tunnel, type, decode::tunnel_kind_name(f.tunnel.kind));
    tunnel.set_depth(f.tunnel.depth);
    if (f.tunnel.id != 0) tunnel.set_id(f.tunnel.id);
  }
}

}  // namespace

struct ProtobufEncoder::Impl {
  std::vector<std::string> input_names;
  std::optional<flow::FeatureProfile> features;
  // One message for every event: Clear() keeps the strings' and repeated
  // fields' capacity. A oneof body would be freed by Clear(), so the flow
  // body is taken out first and put back (flows are the hot path).
  pb::Event event;
  std::unique_ptr<pb::Flow> spare_flow;

  void start_event() {
    if (event.has_flow()) spare_flow.reset(event.release_flow());
    event.Clear();
  }

  pb::Flow& flow_body() {
    if (spare_flow) {
      spare_flow->Clear();
    } else {
      spare_flow = std::make_unique<pb::Flow>();
    }
    event.set_allocated_flow(spare_flow.release());
    return *event.mutable_flow();
  }

  void finish_event(EventBatch& batch) {
    event.AppendToString(&batch.protobuf);
    batch.protobuf_added();
  }
};

ProtobufEncoder::ProtobufEncoder(std::vector<std::string> input_names,
                                 std::optional<flow::FeatureProfile> features)
    : impl_(std::make_unique<Impl>()) {
  impl_->input_names = std::move(input_names);
  impl_->features = features;
}

ProtobufEncoder::~ProtobufEncoder() = default;

void ProtobufEncoder::append_flow(const flow::FlowRecord& r, EventBatch& batch) {
  impl_->start_event();
  pb::Event& e = impl_->event;
  set_header(flow_header(r), impl_->input_names, e);

  const TimeText start(r.start), end(r.end);
  pb::Flow& f = impl_->flow_body();
  f.set_pkts_toserver(r.packets_toserver);
  f.set_pkts_toclient(r.packets_toclient);
  f.set_bytes_toserver(r.bytes_toserver);
  f.set_bytes_toclient(r.bytes_toclient);
  MLD_SET_TEXT(f, start, start.view());
  MLD_SET_TEXT(f, end, end.view());
  // Suricata's age: difference of the whole seconds of end and start.
  f.set_age(r.end / kMicrosPerSecond - r.start / kMicrosPerSecond);
  MLD_SET_TEXT(f, state, flow::flow_state_name(r.state));
  MLD_SET_TEXT(f, reason, flow::end_reason_name(r.reason));
  f.set_alerted(alerted(r));
  MLD_SET_TEXT(f, conn_state, flow::conn_state_name(r.conn_state));
  MLD_SET_TEXT(f, history, r.history_view());
  if (r.detection.scored) set_flow_detection(r.detection, *e.mutable_detection());

  if (r.has_features && impl_->features) {
    const flow::FeatureProfile profile = *impl_->features;
    pb::Features& features = *e.mutable_features();
    MLD_SET_TEXT(features, cic_profile, flow::feature_profile_name(profile));
    MLD_SET_TEXT(features, cic_end_reason, flow::cic_end_reason_name(r.reason));
    set_features(r.features.values(r.cic_context(), profile), features);
  }
  impl_->finish_event(batch);
}

void ProtobufEncoder::append_app_event(const app::AppEvent& event, EventBatch& batch) {
  impl_->start_event();
  pb::Event& e = impl_->event;
  set_header(app_event_header(event), impl_->input_names, e);
  set_app_body(event.body, e);
  impl_->finish_event(batch);
}

void ProtobufEncoder::append_alert(const detect::Alert& alert, EventBatch& batch) {
  impl_->start_event();
  pb::Event& e = impl_->event;
  set_header(alert_header(alert), impl_->input_names, e);
  set_alert_body(alert, e);
  impl_->finish_event(batch);
}

void ProtobufEncoder::append_stats(const pipeline::RunStats& stats, Micros timestamp,
                                   EventBatch& batch) {
  impl_->start_event();
  pb::Event& e = impl_->event;
  const TimeText time(timestamp);
  MLD_SET_TEXT(e, timestamp, time.view());
  e.set_event_type("stats");
  set_stats(stats, *e.mutable_stats());
  impl_->finish_event(batch);
}

}  // namespace mld::output
