// The CIC statistics against values computed by hand from the definitions of
// spec/flow-features.md section 4 (the arithmetic is in the comments).
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "flow/flow_tracker.h"
#include "tools/packet_factory.h"

namespace mld::flow {
namespace {

namespace f = decode::tcp_flag;
using testing::icmp;
using testing::tcp;
using testing::udp;

constexpr Micros kT0 = 1'000'000'000'000;  // an arbitrary start, in µs
const std::string C = "10.0.0.1", S = "10.0.0.2";

struct Collector final : FlowRecordSink {
  void on_flow_end(const FlowRecord& record) override { records.push_back(record); }
  std::vector<FlowRecord> records;
};

// Runs packets through a CIC tracker; returns the records in end order.
std::vector<FlowRecord> track(const std::vector<decode::PacketView>& packets) {
  Collector sink;
  FlowTrackerOptions options;
  options.rules = LifecycleRules::cic(seconds(120));
  FlowTracker tracker(options, sink);
  for (const auto& p : packets) tracker.process(p);
  tracker.end_all();
  return sink.records;
}

// Column values of a record by JSON key.
class Features {
 public:
  Features(const FlowRecord& r, FeatureProfile profile = FeatureProfile::dataset) {
    const CicValues values = r.features.values(r.cic_context(), profile);
    for (std::size_t i = 0; i < kCicColumnCount; ++i) values_[kCicColumns[i].json_key] = values[i];
  }
  std::int64_t i(const std::string& key) const {
    const CicValue& v = values_.at(key);
    EXPECT_FALSE(v.is_float) << key << " should be an integer";
    return v.integer;
  }
  double d(const std::string& key) const {
    const CicValue& v = values_.at(key);
    EXPECT_TRUE(v.is_float) << key << " should be a double";
    return v.real;
  }

 private:
  std::map<std::string_view, CicValue> values_;
};

decode::PacketView segment(Micros t, bool from_client, std::uint8_t flags, std::uint32_t payload,
                           std::uint16_t header, std::uint16_t window) {
  auto p = from_client ? tcp(kT0 + t, C, 40000, S, 80, flags, payload, 0, window)
                       : tcp(kT0 + t, S, 80, C, 40000, flags, payload, 0, window);
  p.l4_header_length = header;
  return p;
}

// A connection closed by FIN/FIN/ACK, a trailing ACK absorbed, then a new SYN.
TEST(CicFeatures, FinTeardownWithTrailingPacketAndNewSyn) {
  const auto records = track({
      segment(0, true, f::syn, 0, 40, 64240),
      segment(1000, false, f::syn | f::ack, 0, 40, 65160),
      segment(2000, true, f::ack, 0, 20, 502),
      segment(3000, true, f::psh | f::ack, 100, 20, 502),
      segment(5000, false, f::ack, 0, 20, 509),
      segment(8000, false, f::psh | f::ack, 300, 20, 509),
      segment(9000, true, f::fin | f::ack, 0, 20, 502),
      segment(12000, false, f::fin | f::ack, 0, 20, 509),
      segment(13000, true, f::ack, 0, 20, 502),
      segment(20000, false, f::ack, 0, 20, 510),  // trailing: absorbed
      segment(30000, true, f::syn, 0, 40, 64240),  // a new connection
  });
  ASSERT_EQ(records.size(), 2u);
  const Features x(records[0]);
  EXPECT_EQ(x.i("flow_duration"), 20000);
  EXPECT_EQ(x.i("total_fwd_packets"), 5);
  EXPECT_EQ(x.i("total_bwd_packets"), 5);
  EXPECT_EQ(x.i("total_length_fwd_packets"), 100);
  EXPECT_EQ(x.i("total_length_bwd_packets"), 300);
  // fwd lens [0,0,100,0,0]: mean 20, sample variance 8000/4.
  EXPECT_EQ(x.i("fwd_packet_length_max"), 100);
  EXPECT_EQ(x.i("fwd_packet_length_min"), 0);
  EXPECT_DOUBLE_EQ(x.d("fwd_packet_length_mean"), 20.0);
  EXPECT_DOUBLE_EQ(x.d("fwd_packet_length_std"), std::sqrt(2000.0));
  // bwd lens [0,0,300,0,0]: mean 60, variance (4*3600 + 240^2)/4 = 18000.
  EXPECT_DOUBLE_EQ(x.d("bwd_packet_length_mean"), 60.0);
  EXPECT_DOUBLE_EQ(x.d("bwd_packet_length_std"), std::sqrt(18000.0));
  // all lens: mean 40, variance (8*1600 + 3600 + 67600)/9 = 84000/9.
  EXPECT_DOUBLE_EQ(x.d("packet_length_mean"), 40.0);
  EXPECT_DOUBLE_EQ(x.d("packet_length_variance"), 84000.0 / 9);
  EXPECT_DOUBLE_EQ(x.d("packet_length_std"), std::sqrt(84000.0 / 9));
  EXPECT_DOUBLE_EQ(x.d("flow_bytes_per_s"), 400 / 0.02);
  EXPECT_DOUBLE_EQ(x.d("flow_packets_per_s"), 10 / 0.02);
  EXPECT_DOUBLE_EQ(x.d("fwd_packets_per_s"), 5 / 0.02);
  // Flow gaps 1,1,1,2,3,1,3,1,7 ms: sum 20000, sum of squares 76e6.
  EXPECT_DOUBLE_EQ(x.d("flow_iat_mean"), 20000.0 / 9);
  EXPECT_DOUBLE_EQ(x.d("flow_iat_std"), std::sqrt((9 * 76e6 - 4e8) / 72));
  EXPECT_EQ(x.i("flow_iat_max"), 7000);
  EXPECT_EQ(x.i("flow_iat_min"), 1000);
  // Forward at 0, 2, 3, 9, 13 ms: gaps 2,1,6,4 ms.
  EXPECT_EQ(x.i("fwd_iat_total"), 13000);
  EXPECT_DOUBLE_EQ(x.d("fwd_iat_mean"), 3250.0);
  EXPECT_DOUBLE_EQ(x.d("fwd_iat_std"), std::sqrt((4 * 57e6 - 169e6) / 12));
  EXPECT_EQ(x.i("fwd_iat_max"), 6000);
  EXPECT_EQ(x.i("fwd_iat_min"), 1000);
  // Backward at 1, 5, 8, 12, 20 ms: gaps 4,3,4,8 ms.
  EXPECT_EQ(x.i("bwd_iat_total"), 19000);
  EXPECT_DOUBLE_EQ(x.d("bwd_iat_mean"), 4750.0);
  EXPECT_EQ(x.i("bwd_iat_min"), 3000);
  EXPECT_EQ(x.i("fwd_psh_flags"), 1);
  EXPECT_EQ(x.i("bwd_psh_flags"), 1);
  EXPECT_EQ(x.i("fwd_header_length"), 120);  // 40 + 4*20
  EXPECT_EQ(x.i("bwd_header_length"), 120);
  EXPECT_EQ(x.i("fin_flag_count"), 2);
  EXPECT_EQ(x.i("syn_flag_count"), 2);
  EXPECT_EQ(x.i("ack_flag_count"), 9);
  EXPECT_EQ(x.i("psh_flag_count"), 2);
  EXPECT_DOUBLE_EQ(x.d("down_up_ratio"), 1.0);
  EXPECT_DOUBLE_EQ(x.d("fwd_segment_size_avg"), 20.0);
  EXPECT_DOUBLE_EQ(x.d("bwd_segment_size_avg"), 60.0);
  EXPECT_EQ(x.i("subflow_fwd_packets"), 0);  // 5 // 10 [Q4]
  EXPECT_EQ(x.i("subflow_fwd_bytes"), 10);   // 100 // 10
  EXPECT_EQ(x.i("subflow_bwd_bytes"), 30);
  EXPECT_EQ(x.i("fwd_init_win_bytes"), 64240);
  EXPECT_EQ(x.i("bwd_init_win_bytes"), 510);  // the last backward packet's [Q5]
  EXPECT_EQ(x.i("fwd_act_data_packets"), 1);
  EXPECT_EQ(x.i("fwd_seg_size_min"), 20);
  EXPECT_EQ(x.i("active_max"), 0);  // no gap > 5 s
  EXPECT_EQ(x.i("icmp_type"), -1);
  EXPECT_EQ(x.i("total_tcp_flow_time"), 20000);

  const Features fixed(records[0], FeatureProfile::fixed);
  EXPECT_EQ(fixed.i("bwd_init_win_bytes"), 65160);  // the first backward packet's
  EXPECT_DOUBLE_EQ(fixed.d("subflow_fwd_packets"), 5.0);  // no gap > 1 s: one subflow
  EXPECT_DOUBLE_EQ(fixed.d("subflow_bwd_bytes"), 300.0);

  // The new SYN: one packet, zero duration (D10, D11).
  const Features syn(records[1]);
  EXPECT_EQ(syn.i("flow_duration"), 0);
  EXPECT_DOUBLE_EQ(syn.d("flow_bytes_per_s"), -1.0);
  EXPECT_DOUBLE_EQ(syn.d("flow_packets_per_s"), -1.0);
  EXPECT_DOUBLE_EQ(syn.d("fwd_packets_per_s"), 0.0);
  EXPECT_DOUBLE_EQ(syn.d("flow_iat_mean"), 0.0);
  EXPECT_EQ(syn.i("fwd_header_length"), 40);
  EXPECT_EQ(syn.i("fwd_seg_size_min"), 40);
  EXPECT_EQ(syn.i("subflow_fwd_packets"), 1);
  EXPECT_DOUBLE_EQ(syn.d("down_up_ratio"), 0.0);
}

// SYN-ACK first: the client is forward, the first packet is backward (2.2).
TEST(CicFeatures, SynAckFirstAndResetsShowTheDatasetQuirks) {
  const auto records = track({
      segment(0, false, f::syn | f::ack, 0, 20, 1000),
      segment(500, true, f::ack, 0, 20, 2000),
      segment(1500, true, f::rst, 0, 20, 0),
      segment(2500, false, f::rst | f::ack, 0, 20, 0),  // absorbed after READY
  });
  ASSERT_EQ(records.size(), 1u);
  const Features x(records[0]);
  EXPECT_EQ(x.i("total_fwd_packets"), 2);
  EXPECT_EQ(x.i("total_bwd_packets"), 2);
  EXPECT_EQ(x.i("fwd_init_win_bytes"), 0);  // first packet backward [Q6]
  EXPECT_EQ(x.i("bwd_init_win_bytes"), 0);  // the last backward packet had window 0 [Q5]
  EXPECT_EQ(x.i("fwd_seg_size_min"), 0);    // first packet backward [Q7]
  EXPECT_EQ(x.i("fwd_rst_flags"), 1);
  EXPECT_EQ(x.i("bwd_rst_flags"), 1);
  EXPECT_EQ(x.i("rst_flag_count"), 2);
  EXPECT_EQ(x.i("fwd_iat_total"), 1000);
  EXPECT_EQ(x.i("bwd_iat_total"), 2500);
  EXPECT_DOUBLE_EQ(x.d("flow_iat_mean"), 2500.0 / 3);
  EXPECT_EQ(x.i("flow_iat_min"), 500);

  const Features fixed(records[0], FeatureProfile::fixed);
  EXPECT_EQ(fixed.i("fwd_init_win_bytes"), 2000);  // first forward TCP packet
  EXPECT_EQ(fixed.i("bwd_init_win_bytes"), 1000);  // first backward TCP packet
  EXPECT_EQ(fixed.i("fwd_seg_size_min"), 20);
}

TEST(CicFeatures, FirstPacketResetCountsOnlyInTheTotalUnlessFixed) {
  const auto records = track({segment(0, true, f::rst, 0, 20, 0),
                              segment(100, true, f::rst, 0, 20, 0)});
  ASSERT_EQ(records.size(), 1u);
  const Features x(records[0]), fixed(records[0], FeatureProfile::fixed);
  EXPECT_EQ(x.i("fwd_rst_flags"), 1);  // the first packet's RST is left out [Q3]
  EXPECT_EQ(x.i("rst_flag_count"), 2);
  EXPECT_EQ(fixed.i("fwd_rst_flags"), 2);
}

// Bulks (4.9): runs of >= 4 payload packets of one direction.
TEST(CicFeatures, BulkTransferBrokenByTheOtherSide) {
  const auto d = [](Micros t, bool fwd, std::uint32_t payload) {
    return segment(t, fwd, f::ack, payload, 20, 1000);
  };
  const auto records = track({
      d(0, true, 100), d(100, true, 200), d(200, true, 300),
      d(300, true, 400),   // 4th: bulk 1 = 1000 bytes, 4 packets, 300 µs
      d(400, true, 500),   // 5th: +500 bytes, +1 packet, +100 µs
      d(500, false, 50),   // backward payload cancels the forward candidate
      d(600, true, 600), d(700, true, 700), d(2000, true, 100),
      d(3000, true, 100),  // 4th of a new candidate: bulk 2 = 1500 bytes, 2400 µs
  });
  ASSERT_EQ(records.size(), 1u);
  const Features x(records[0]);
  EXPECT_EQ(x.i("fwd_bytes_per_bulk_avg"), 3000 / 2);
  EXPECT_EQ(x.i("fwd_packets_per_bulk_avg"), 9 / 2);
  EXPECT_EQ(x.i("fwd_bulk_rate_avg"), static_cast<std::int64_t>(3000 / (2800 / 1e6)));
  EXPECT_EQ(x.i("bwd_bytes_per_bulk_avg"), 0);
  EXPECT_EQ(x.i("bwd_bulk_rate_avg"), 0);
  EXPECT_EQ(x.i("fwd_act_data_packets"), 8);  // 9 forward payload packets, first excluded
}

// Active/idle (4.11) with the 5 s activity timeout, and `fixed` subflows.
TEST(CicFeatures, ActiveAndIdlePeriods) {
  std::vector<decode::PacketView> packets;
  for (Micros t : {0, 1, 2, 10, 11, 30}) packets.push_back(udp(kT0 + t * 1'000'000, C, 5000, S, 53));
  const auto records = track(packets);
  ASSERT_EQ(records.size(), 1u);
  const Features x(records[0]);
  // Active periods 0-2 s and 10-11 s (the last one, from 30 s, is never recorded).
  EXPECT_DOUBLE_EQ(x.d("active_mean"), 1.5e6);
  EXPECT_DOUBLE_EQ(x.d("active_std"), std::sqrt(2 * 0.5e6 * 0.5e6));
  EXPECT_EQ(x.i("active_max"), 2'000'000);
  EXPECT_EQ(x.i("active_min"), 1'000'000);
  // Idle gaps 8 s and 19 s.
  EXPECT_DOUBLE_EQ(x.d("idle_mean"), 13.5e6);
  EXPECT_DOUBLE_EQ(x.d("idle_std"), std::sqrt(2 * 5.5e6 * 5.5e6));
  EXPECT_EQ(x.i("idle_max"), 19'000'000);
  EXPECT_EQ(x.i("idle_min"), 8'000'000);
  EXPECT_EQ(x.i("fwd_seg_size_min"), 8);  // UDP header
  EXPECT_EQ(x.i("fwd_init_win_bytes"), 0);
  // Gaps of exactly 1 s do not split subflows; 8 s and 19 s do: 3 subflows.
  const Features fixed(records[0], FeatureProfile::fixed);
  EXPECT_DOUBLE_EQ(fixed.d("subflow_fwd_packets"), 6.0 / 3);
  EXPECT_DOUBLE_EQ(fixed.d("subflow_fwd_bytes"), 60.0 / 3);
  EXPECT_EQ(fixed.i("fwd_init_win_bytes"), -1);  // not TCP
  EXPECT_EQ(fixed.i("bwd_init_win_bytes"), -1);
}

TEST(CicFeatures, IcmpHasNoLengthsAndNamesTypeAndCode) {
  auto request = icmp(kT0, C, S, 8, 0), reply = icmp(kT0 + 300, S, C, 0, 0);
  request.l4_length = reply.l4_length = 64;  // the decoder still sets payload and header to 0
  const auto records = track({request, reply});
  ASSERT_EQ(records.size(), 1u);
  const Features x(records[0]);
  EXPECT_EQ(x.i("total_length_fwd_packets"), 0);
  EXPECT_EQ(x.i("fwd_header_length"), 0);
  EXPECT_EQ(x.i("icmp_type"), 8);
  EXPECT_EQ(x.i("icmp_code"), 0);
  EXPECT_EQ(x.i("total_tcp_flow_time"), 0);
  EXPECT_DOUBLE_EQ(x.d("flow_packets_per_s"), 2 / 300e-6);
}

// A TCP flow continued after its 120 s timeout (3.4, 4.12).
TEST(CicFeatures, ContinuationCarriesTheTotalTcpFlowTime) {
  const auto records = track({segment(0, true, f::ack, 10, 20, 100),
                              segment(60'000'000, false, f::ack, 0, 20, 100),
                              segment(121'000'000, false, f::ack, 0, 20, 100),
                              segment(122'000'000, true, f::ack, 5, 20, 100)});
  ASSERT_EQ(records.size(), 2u);
  const Features first(records[0]), second(records[1]);
  EXPECT_EQ(first.i("total_tcp_flow_time"), 60'000'000);
  EXPECT_EQ(second.i("flow_duration"), 1'000'000);
  EXPECT_EQ(second.i("total_tcp_flow_time"), 122'000'000);  // from the chain's start
  EXPECT_EQ(second.i("total_fwd_packets"), 1);
  EXPECT_EQ(second.i("fwd_init_win_bytes"), 0);  // the continuation starts backward
  EXPECT_EQ(second.i("fwd_seg_size_min"), 0);
}

}  // namespace
}  // namespace mld::flow
