// The protobuf events (proto/mldefender/events/v1/events.proto) against the
// EVE writer: for the same record, the encoder's Event holds every field of
// the EVE line with the same value, and the reflection printer reproduces the
// line byte for byte.
#include "output/protobuf_encoder.h"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>
#include <mldefender/events/v1/events.pb.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "decode/drop_reason.h"
#include "flow/flow_tracker.h"
#include "output/eve_writer.h"
#include "output/protobuf_json.h"
#include "protobuf_test_support.h"
#include "tools/packet_factory.h"

namespace mld::output {
namespace {

namespace pb = mld::events::v1;
namespace f = decode::tcp_flag;
using test::expect_same;
using test::json_key;
using test::printed;
using testing::icmp;
using testing::tcp;
using testing::udp;

constexpr Micros kSecond = 1'000'000;
const std::vector<std::string> kInputs = {"first.pcap", "bad \xff\xfe name \"q\".pcap"};

struct Collector final : flow::FlowRecordSink {
  void on_flow_end(const flow::FlowRecord& record) override { records.push_back(record); }
  std::vector<flow::FlowRecord> records;
};

// Flows of every shape the EVE writer distinguishes: TCP with a history,
// IPv6 UDP, ICMP (type and code), VLAN tags, tunnels with and without an id,
// capture names (one not UTF-8), live (no name), no statistics.
std::vector<flow::FlowRecord> sample_records() {
  Collector sink;
  flow::FlowTrackerOptions options;
  flow::FlowTracker tracker(options, sink);
  const Micros t = 1'700'000'000 * kSecond + 123'456;
  for (const decode::PacketView& p : {
           tcp(t, "10.0.0.1", 40000, "10.0.0.2", 80, f::syn),
           tcp(t + 1'000, "10.0.0.2", 80, "10.0.0.1", 40000, f::syn | f::ack),
           tcp(t + 2'000, "10.0.0.1", 40000, "10.0.0.2", 80, f::ack),
           tcp(t + 3'000, "10.0.0.1", 40000, "10.0.0.2", 80, f::psh | f::ack, 300),
           tcp(t + 7 * kSecond, "10.0.0.2", 80, "10.0.0.1", 40000, f::psh | f::ack, 1400),
           tcp(t + 8 * kSecond, "10.0.0.1", 40000, "10.0.0.2", 80, f::fin | f::ack),
           udp(t + 9 * kSecond, "2001:db8::1", 5353, "2001:db8::2", 53, 40),
           udp(t + 11 * kSecond + 17, "2001:db8::2", 53, "2001:db8::1", 5353, 120),
           icmp(t + 12 * kSecond, "192.0.2.1", "192.0.2.2", 8, 0),
           icmp(t + 12 * kSecond + 30, "192.0.2.2", "192.0.2.1", 0, 0),
           udp(t + 13 * kSecond, "198.51.100.1", 1234, "198.51.100.2", 4789, 0),
           udp(t + 14 * kSecond, "198.51.100.3", 1, "198.51.100.4", 2, 10),
       }) {
    tracker.process(p);
  }
  tracker.end_all();
  std::vector<flow::FlowRecord> records = sink.records;
  std::sort(records.begin(), records.end(),
            [](const auto& a, const auto& b) { return a.start < b.start; });
  EXPECT_EQ(records.size(), 5u);  // TCP, IPv6 UDP, ICMP, UDP, UDP
  records[0].vlans.push(100);
  records[0].vlans.push(4001);
  records[1].input_index = 1;  // the name that is not UTF-8
  records[2].tunnel = {decode::TunnelKind::gre, 2, 0};  // no id: left out
  records[2].input_index = 7;                             // live: no pcap_filename
  records[3].tunnel = {decode::TunnelKind::vxlan, 1, 4242};
  records[4].has_features = false;
  // Detection: a scored attack flow, and a scored benign one (no category,
  // label or reasons).
  flow::DetectionSummary& scan = records[0].detection;
  scan.scored = true;
  scan.fast_score = 0.9f;
  scan.ml_score = 0.02f;
  scan.authoritative = static_cast<std::uint8_t>(detect::Authority::fast);
  scan.category.assign("scan");
  scan.ml_label.assign("PortScan");
  scan.reasons = detect::reason_bit(detect::Detector::scan_vertical) |
                 detect::reason_bit(detect::Detector::ml);
  records[2].detection.scored = true;
  records[2].detection.ml_score = 0.0123f;
  return records;
}

std::string eve_line(const flow::FlowRecord& record, flow::FeatureProfile profile) {
  TextBuffer out;
  EveWriter(kInputs, profile).append_flow(record, out);
  return std::string(out.view());
}

pb::Event encode(const flow::FlowRecord& record, std::optional<flow::FeatureProfile> profile) {
  EventBatch batch;
  ProtobufEncoder(kInputs, profile).append_flow(record, batch);
  EXPECT_EQ(batch.protobuf_ends.size(), 1u);
  pb::Event event;
  EXPECT_TRUE(event.ParseFromString(batch.protobuf));
  return event;
}

// The JSON keys of a message's fields, in declaration order, each once.
std::vector<std::string> json_keys(const google::protobuf::Descriptor& descriptor) {
  std::vector<std::string> keys;
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const std::string key = json_key(*descriptor.field(i));
    if (keys.empty() || keys.back() != key) keys.push_back(key);
  }
  return keys;
}

TEST(ProtobufSchema, FeaturesAreTheCicColumnsInOrder) {
  std::vector<std::string> expected = {"cic_profile", "cic_end_reason"};
  for (const flow::CicColumnInfo& column : flow::kCicColumns) {
    expected.emplace_back(column.json_key);
  }
  EXPECT_EQ(json_keys(*pb::Features::descriptor()), expected);
}

TEST(ProtobufSchema, StatsCountersFollowTheirNameLists) {
  std::vector<std::string> drops, notes, ended;
  for (std::size_t i = 1; i < decode::kDropReasonSlots; ++i) {
    drops.emplace_back(decode::drop_reason_name(static_cast<decode::DropReason>(i)));
  }
  for (const char* note : decode::kDecodeNoteNames) notes.emplace_back(note);
  for (std::size_t i = 0; i < flow::kEndReasonCount; ++i) {
    ended.emplace_back(flow::end_reason_name(static_cast<flow::EndReason>(i)));
  }
  EXPECT_EQ(json_keys(*pb::Stats::Drops::descriptor()), drops);
  EXPECT_EQ(json_keys(*pb::Stats::Notes::descriptor()), notes);
  EXPECT_EQ(json_keys(*pb::Stats::Ended::descriptor()), ended);
}

TEST(ProtobufSchema, DetectStatsFollowTheCounterAndDetectorLists) {
  std::vector<std::string> counters, detectors;
#define MLD_COUNTER_NAME(name, text) counters.emplace_back(text);
  MLD_DETECT_COUNTERS(MLD_COUNTER_NAME)
#undef MLD_COUNTER_NAME
  counters.emplace_back("alerts_by_detector");
  for (std::size_t i = 0; i < detect::kDetectorCount; ++i) {
    detectors.emplace_back(detect::detector_info(static_cast<detect::Detector>(i)).name);
  }
  EXPECT_EQ(json_keys(*pb::Stats::Detect::descriptor()), counters);
  EXPECT_EQ(json_keys(*pb::Stats::AlertsByDetector::descriptor()), detectors);
}

TEST(ProtobufEncoder, FlowEventsPrintAsTheEveLinesByteForByte) {
  for (const flow::FeatureProfile profile :
       {flow::FeatureProfile::dataset, flow::FeatureProfile::fixed}) {
    for (const flow::FlowRecord& record : sample_records()) {
      EXPECT_EQ(printed(encode(record, profile)), eve_line(record, profile))
          << "profile " << flow::feature_profile_name(profile);
    }
  }
}

TEST(ProtobufEncoder, EveryEveFieldIsInTheEventWithItsValue) {
  for (const flow::FeatureProfile profile :
       {flow::FeatureProfile::dataset, flow::FeatureProfile::fixed}) {
    for (flow::FlowRecord record : sample_records()) {
      if (record.input_index == 1) record.input_index = 0;  // nlohmann needs UTF-8
      const nlohmann::json eve = nlohmann::json::parse(eve_line(record, profile));
      expect_same(eve, encode(record, profile), "event");
    }
  }
}

TEST(ProtobufEncoder, TypedFieldsCarryTheRecord) {
  const std::vector<flow::FlowRecord> records = sample_records();
  const flow::FlowRecord& tcp_flow = records[0];
  const pb::Event e = encode(tcp_flow, flow::FeatureProfile::dataset);
  EXPECT_EQ(e.event_type(), "flow");
  EXPECT_EQ(e.body_case(), pb::Event::kFlow);
  EXPECT_EQ(e.flow_id(), tcp_flow.flow_id);
  EXPECT_EQ(e.pcap_filename(), "first.pcap");
  EXPECT_EQ(std::vector<std::uint32_t>(e.vlan().begin(), e.vlan().end()),
            (std::vector<std::uint32_t>{100, 4001}));
  EXPECT_EQ(e.src_ip(), "10.0.0.1");
  EXPECT_TRUE(e.has_src_port());
  EXPECT_EQ(e.src_port(), 40000u);
  EXPECT_EQ(e.dest_port(), 80u);
  EXPECT_EQ(e.proto(), "TCP");
  EXPECT_FALSE(e.has_icmp_type());
  EXPECT_FALSE(e.has_tunnel());
  EXPECT_EQ(e.flow().pkts_toserver(), tcp_flow.packets_toserver);
  EXPECT_EQ(e.flow().history(), tcp_flow.history_view());
  EXPECT_EQ(e.flow().age(), 8);
  EXPECT_EQ(e.features().cic_profile(), "dataset");
  EXPECT_EQ(e.features().total_fwd_packets(), 4);
  EXPECT_EQ(e.features().subflow_fwd_packets_value_case(),
            pb::Features::kSubflowFwdPackets);
  const pb::Event fixed = encode(tcp_flow, flow::FeatureProfile::fixed);
  EXPECT_EQ(fixed.features().subflow_fwd_packets_value_case(),
            pb::Features::kSubflowFwdPacketsReal);

  const pb::Event icmp_event = encode(records[2], flow::FeatureProfile::dataset);
  EXPECT_EQ(icmp_event.proto(), "ICMP");
  EXPECT_EQ(icmp_event.icmp_type(), 8);
  EXPECT_TRUE(icmp_event.has_icmp_code());
  EXPECT_FALSE(icmp_event.has_pcap_filename());
  EXPECT_EQ(icmp_event.tunnel().type(), "gre");
  EXPECT_FALSE(icmp_event.tunnel().has_id());
  EXPECT_EQ(encode(records[3], flow::FeatureProfile::dataset).tunnel().id(), 4242u);
  EXPECT_FALSE(encode(records[4], flow::FeatureProfile::dataset).has_features());
}

TEST(ProtobufEncoder, NoStatisticsProfileLeavesFeaturesOut) {
  const flow::FlowRecord record = sample_records()[0];
  EXPECT_FALSE(encode(record, std::nullopt).has_features());
  flow::FlowRecord without = record;
  without.has_features = false;
  EXPECT_EQ(printed(encode(record, std::nullopt)),
            eve_line(without, flow::FeatureProfile::dataset));
}

pipeline::RunStats numbered_stats(std::size_t workers, std::size_t sinks) {
  // Every counter a different number, so a field swapped with another shows.
  std::uint64_t n = 1;
  pipeline::RunStats s;
  for (std::uint64_t* c : {&s.capture.inputs, &s.capture.input_errors,
                           &s.capture.timestamps_clamped, &s.capture.timeline_restarts,
                           &s.capture.kernel_packets, &s.capture.kernel_drops,
                           &s.decode.packets_read, &s.decode.bytes_read,
                           &s.decode.packets_decoded, &s.decode.tunnelled, &s.flow.packets,
                           &s.flow.bytes, &s.flow.created, &s.flow.continuations,
                           &s.flow.tombstones_expired, &s.flow.tombstones_evicted,
                           &s.flow.timestamps_clamped, &s.flow.active,
                           &s.dispatch.packets_forwarded, &s.dispatch.forward_drops,
                           &s.output.records_delivered, &s.output.records_failed}) {
    *c = n++;
  }
  for (std::uint64_t& c : s.decode.drops) c = n++;
  for (std::uint64_t& c : s.decode.notes) c = n++;
  for (std::uint64_t& c : s.flow.ended) c = n++;
#define MLD_NUMBER_DETECT(name, text) s.detect.name = n++;
  MLD_DETECT_COUNTERS(MLD_NUMBER_DETECT)
#undef MLD_NUMBER_DETECT
  for (std::uint64_t& c : s.detect.alerts_by_detector) c = n++;
  for (std::size_t i = 0; i < workers; ++i) {
    pipeline::WorkerStats& w = s.workers.emplace_back();
    for (std::uint64_t* c : {&w.packets, &w.flows_created, &w.records_dropped,
                             &w.packets_forwarded, &w.forward_drops}) {
      *c = n++;
    }
  }
  for (std::size_t i = 0; i < sinks; ++i) {
    pipeline::SinkStats sink;
    sink.name = i == 0 ? "file" : "zmq";
    sink.policy = i == 0 ? "block" : "drop";
    for (std::uint64_t* c : {&sink.events_written, &sink.dropped_queue_full,
                             &sink.dropped_sink_failed, &sink.dropped_downstream, &sink.rotations,
                             &sink.torn_lines_repaired}) {
      *c = n++;
    }
    s.sinks.push_back(sink);
  }
  return s;
}

TEST(ProtobufEncoder, StatsEventPrintsAsTheEveLine) {
  const Micros now = 1'763'000'000 * kSecond + 42;
  for (const auto& [workers, sinks] : {std::pair{2, 2}, std::pair{0, 0}}) {
    const pipeline::RunStats stats = numbered_stats(workers, sinks);
    TextBuffer eve;
    EveWriter(kInputs).append_stats(stats, now, eve);
    EventBatch batch;
    ProtobufEncoder(kInputs, flow::FeatureProfile::dataset).append_stats(stats, now, batch);
    pb::Event event;
    ASSERT_TRUE(event.ParseFromString(batch.protobuf));
    EXPECT_EQ(event.event_type(), "stats");
    EXPECT_EQ(printed(event), std::string(eve.view()));
    expect_same(nlohmann::json::parse(eve.view()), event, "stats event");
  }
}

TEST(ProtobufEncoder, EventsFollowEachOtherInTheBatch) {
  const std::vector<flow::FlowRecord> records = sample_records();
  ProtobufEncoder encoder(kInputs, flow::FeatureProfile::dataset);
  EventBatch batch;
  for (const flow::FlowRecord& record : records) encoder.append_flow(record, batch);
  encoder.append_stats(numbered_stats(1, 1), 0, batch);
  for (const flow::FlowRecord& record : records) encoder.append_flow(record, batch);
  ASSERT_EQ(batch.protobuf_ends.size(), 2 * records.size() + 1);
  // One Event reused: nothing of an event may leak into the next one.
  for (std::size_t i = 0; i < batch.protobuf_ends.size(); ++i) {
    pb::Event event;
    ASSERT_TRUE(event.ParseFromString(std::string(batch.protobuf_message(i))));
    if (i == records.size()) {
      EXPECT_EQ(event.body_case(), pb::Event::kStats);
      continue;
    }
    const flow::FlowRecord& record = records[i % (records.size() + 1)];
    EXPECT_EQ(printed(event), eve_line(record, flow::FeatureProfile::dataset)) << i;
  }
}

// Alerts of every shape the EVE writer distinguishes: ports or none, the
// model's signature, a detail that is not UTF-8 or empty, ICMP (no
// community_id), IPv6, VLAN tags and a tunnel, live (no pcap_filename).
std::vector<detect::Alert> sample_alerts() {
  const std::vector<flow::FlowRecord> records = sample_records();
  std::vector<detect::Alert> alerts;
  for (const flow::FlowRecord& record : records) {
    detect::Alert& alert = alerts.emplace_back();
    alert.flow = record.identity();
    alert.source_ip = record.src_ip;
    alert.target_ip = record.dst_ip;
    alert.timestamp = record.end;
    alert.first_seen = record.start;
    alert.last_seen = record.end;
    alert.count = record.packets_toserver;
    alert.score = 0.66666f;
  }
  alerts[0].detector = detect::Detector::scan_vertical;  // VLAN tags, no ports
  alerts[0].detail = "1000 ports of 10.0.0.2 in 60 s";
  alerts[1].detector = detect::Detector::ml;  // IPv6, capture name not UTF-8
  alerts[1].source_port = 5353;
  alerts[1].target_port = 53;
  alerts[1].detail = "DoS \"Hulk\" \xff";
  alerts[2].detector = detect::Detector::flood_icmp;  // ICMP, GRE tunnel, live
  alerts[3].detector = detect::Detector::amplification;  // VXLAN id, target port
  alerts[3].target_port = 4789;
  alerts[4].detector = detect::Detector::ml;  // no detail: the plain signature
  return alerts;
}

std::string eve_alert_line(const detect::Alert& alert) {
  TextBuffer out;
  EveWriter(kInputs).append_alert(alert, out);
  return std::string(out.view());
}

pb::Event encode_alert(const detect::Alert& alert) {
  EventBatch batch;
  ProtobufEncoder(kInputs, flow::FeatureProfile::dataset).append_alert(alert, batch);
  EXPECT_EQ(batch.protobuf_ends.size(), 1u);
  pb::Event event;
  EXPECT_TRUE(event.ParseFromString(batch.protobuf));
  return event;
}

TEST(ProtobufEncoder, AlertEventsPrintAsTheEveLinesByteForByte) {
  for (const detect::Alert& alert : sample_alerts()) {
    EXPECT_EQ(printed(encode_alert(alert)), eve_alert_line(alert));
  }
}

TEST(ProtobufEncoder, EveryAlertFieldIsInTheEventWithItsValue) {
  for (detect::Alert alert : sample_alerts()) {
    // nlohmann needs UTF-8
    if (alert.flow.input_index == 1) alert.flow.input_index = 0;
    if (alert.detail.find('\xff') != std::string::npos) alert.detail = "DoS Hulk";
    expect_same(nlohmann::json::parse(eve_alert_line(alert)), encode_alert(alert), "alert");
  }
}

TEST(ProtobufEncoder, AlertTypedFieldsCarryTheAlert) {
  const std::vector<detect::Alert> alerts = sample_alerts();
  const pb::Event scan = encode_alert(alerts[0]);
  EXPECT_EQ(scan.event_type(), "alert");
  EXPECT_EQ(scan.body_case(), pb::Event::kAlert);
  EXPECT_EQ(scan.alert().signature_id(), 9100001u);
  EXPECT_EQ(scan.alert().severity(), 2u);
  EXPECT_EQ(scan.alert().source().ip(), "10.0.0.1");
  EXPECT_FALSE(scan.alert().source().has_port());
  EXPECT_EQ(scan.detection().detector(), "scan_vertical");
  EXPECT_EQ(scan.detection().score(), 0.6667);
  EXPECT_FALSE(scan.detection().has_fast_score());
  EXPECT_EQ(scan.detection().reasons_size(), 0);
  const pb::Event model = encode_alert(alerts[1]);
  EXPECT_EQ(model.alert().signature(), "ML Defender tree-ensemble model: DoS \"Hulk\" \xff");
  EXPECT_EQ(model.alert().target().port(), 53u);
  EXPECT_FALSE(encode_alert(alerts[2]).has_community_id());
  EXPECT_FALSE(encode_alert(alerts[4]).detection().has_detail());
  EXPECT_EQ(encode_alert(alerts[4]).alert().signature(), "ML Defender tree-ensemble model");
}

TEST(ProtobufEncoder, FlowDetectionTypedFields) {
  const std::vector<flow::FlowRecord> records = sample_records();
  const pb::Detection scan = encode(records[0], flow::FeatureProfile::dataset).detection();
  EXPECT_EQ(scan.fast_score(), 0.9);
  EXPECT_EQ(scan.ml_score(), 0.02);
  EXPECT_EQ(scan.divergence(), 0.88);
  EXPECT_EQ(scan.authoritative(), "fast");
  EXPECT_EQ(std::vector<std::string>(scan.reasons().begin(), scan.reasons().end()),
            (std::vector<std::string>{"scan_vertical", "ml"}));
  EXPECT_FALSE(scan.has_detector());
  const pb::Detection benign = encode(records[2], flow::FeatureProfile::dataset).detection();
  EXPECT_EQ(benign.score(), 0.0123);
  EXPECT_FALSE(benign.has_category());
  EXPECT_FALSE(benign.has_ml_label());
  EXPECT_FALSE(encode(records[1], flow::FeatureProfile::dataset).has_detection());
}

TEST(ProtobufEncoder, AlertsBetweenFlowsLeakNothing) {
  const std::vector<flow::FlowRecord> records = sample_records();
  const std::vector<detect::Alert> alerts = sample_alerts();
  ProtobufEncoder encoder(kInputs, flow::FeatureProfile::dataset);
  EventBatch batch;
  std::vector<std::string> expected;
  for (std::size_t i = 0; i < records.size(); ++i) {
    encoder.append_flow(records[i], batch);
    expected.push_back(eve_line(records[i], flow::FeatureProfile::dataset));
    encoder.append_alert(alerts[i], batch);
    expected.push_back(eve_alert_line(alerts[i]));
  }
  ASSERT_EQ(batch.protobuf_ends.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    pb::Event event;
    ASSERT_TRUE(event.ParseFromString(std::string(batch.protobuf_message(i))));
    EXPECT_EQ(printed(event), expected[i]) << i;
  }
}

TEST(ProtobufJson, UnsetOptionalsAreLeftOutAndPlainScalarsWritten) {
  pb::Event event;
  event.set_timestamp("t");
  event.set_event_type("log");
  pb::Log& log = *event.mutable_log();
  log.set_action("seal");
  log.set_file("eve.json");
  log.set_lines(0);  // set, although zero: written
  EXPECT_EQ(printed(event),
            R"({"timestamp":"t","event_type":"log","log":{"action":"seal","file":"eve.json",)"
            R"("lines":0}})"
            "\n");
  pb::Tls tls;
  tls.add_client_alpns("h2");
  tls.mutable_ja3()->set_hash("abc");
  EXPECT_EQ(printed(tls), R"({"ja3":{"hash":"abc","string":""},"client_alpns":["h2"]})" "\n");
}

}  // namespace
}  // namespace mld::output
