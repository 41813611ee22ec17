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
