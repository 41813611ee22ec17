// FlowTracker against hand-computed expectations: CIC lifecycle (spec
// sections 2-3) and NFStream's idle/active expiry.
#include "flow/flow_tracker.h"

#include <gtest/gtest.h>

#include <vector>

#include "tools/packet_factory.h"

namespace mld::flow {
namespace {

using testing::icmp;
using testing::tcp;
using testing::udp;
namespace f = decode::tcp_flag;

constexpr Micros kSecond = 1'000'000;
const std::string C = "10.0.0.1", S = "10.0.0.2";

struct Collector final : FlowRecordSink {
  void on_flow_end(const FlowRecord& record) override { records.push_back(record); }
  std::vector<FlowRecord> records;
};

class TrackerTest : public ::testing::Test {
 protected:
  void use(const LifecycleRules& rules, std::uint32_t max_flows = 1024) {
    options_.rules = rules;
    options_.max_flows = max_flows;
    tracker_ = std::make_unique<FlowTracker>(options_, sink_);
  }
  void feed(std::initializer_list<decode::PacketView> packets) {
    for (const auto& p : packets) tracker_->process(p);
  }
  const std::vector<FlowRecord>& finish() {
    tracker_->end_all();
    return sink_.records;
  }

  FlowTrackerOptions options_;
  Collector sink_;
  std::unique_ptr<FlowTracker> tracker_;
};

TEST_F(TrackerTest, CicTcpCloseAbsorbsTrailingPacketsUntilNewSyn) {
  use(LifecycleRules::cic(120 * kSecond));
  const Micros t = 1 * kSecond;
  feed({tcp(t, C, 40000, S, 80, f::syn),
        tcp(t + 100'000, S, 80, C, 40000, f::syn | f::ack),
        tcp(t + 200'000, C, 40000, S, 80, f::ack),
        tcp(t + 300'000, C, 40000, S, 80, f::psh | f::ack, 100),
        tcp(t + 400'000, S, 80, C, 40000, f::ack, 200),
        tcp(t + 500'000, C, 40000, S, 80, f::fin | f::ack),  // OPEN -> FIRST_FIN
        tcp(t + 600'000, S, 80, C, 40000, f::fin | f::ack),  // -> SECOND_FIN
        tcp(t + 700'000, C, 40000, S, 80, f::ack),           // -> READY
        tcp(t + 800'000, S, 80, C, 40000, f::ack),           // trailing, absorbed
        tcp(t + kSecond, C, 40000, S, 80, f::syn)});         // new connection
  const auto& records = finish();
  ASSERT_EQ(records.size(), 2u);

  const FlowRecord& closed = records[0];
  EXPECT_EQ(closed.src_ip, testing::ip(C));
  EXPECT_EQ(closed.src_port, 40000);
  EXPECT_EQ(closed.packets_toserver, 5u);
  EXPECT_EQ(closed.packets_toclient, 4u);
  EXPECT_EQ(closed.start, t);
  EXPECT_EQ(closed.end, t + 800'000);
  EXPECT_EQ(closed.reason, EndReason::tcp_close);
  EXPECT_EQ(closed.conn_state, ConnState::SF);
  EXPECT_EQ(closed.history_view(), "ShADdFfa");
  EXPECT_EQ(closed.state, FlowState::closed);

  const FlowRecord& next = records[1];
  EXPECT_EQ(next.start, t + kSecond);
  EXPECT_EQ(next.packets_toserver, 1u);
  EXPECT_EQ(next.packets_toclient, 0u);
  EXPECT_EQ(next.reason, EndReason::end_of_input);
  EXPECT_EQ(next.conn_state, ConnState::S0);
  EXPECT_EQ(next.history_view(), "S");
}

TEST_F(TrackerTest, CicSynAckFirstMakesTheClientTheSource) {
  use(LifecycleRules::cic(120 * kSecond));
  feed({tcp(kSecond, S, 80, C, 40000, f::syn | f::ack), tcp(2 * kSecond, C, 40000, S, 80, f::ack)});
  const auto& records = finish();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].src_ip, testing::ip(C));
  EXPECT_EQ(records[0].src_port, 40000);
  EXPECT_EQ(records[0].dst_port, 80);
  EXPECT_EQ(records[0].packets_toserver, 1u);  // the client's ACK
  EXPECT_EQ(records[0].packets_toclient, 1u);  // the SYN-ACK, first packet, backward
  EXPECT_EQ(records[0].history_view(), "^hA");
}

TEST_F(TrackerTest, OneEndpointOnBothSidesIsForwardButForTheCreatingSynAck) {
  use(LifecycleRules::cic(120 * kSecond));
  feed({tcp(1 * kSecond, C, 80, C, 80, f::syn | f::ack),  // rule 2: backward
        tcp(2 * kSecond, C, 80, C, 80, f::ack),           // from the forward endpoint
        tcp(3 * kSecond, C, 80, C, 80, f::psh | f::ack, 10)});
  const auto& records = finish();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].packets_toserver, 2u);
  EXPECT_EQ(records[0].packets_toclient, 1u);
}

TEST_F(TrackerTest, CicTimeoutIsStrictAndTcpContinuesInTheSameDirection) {
  use(LifecycleRules::cic(120 * kSecond));
  const Micros t0 = kSecond;
  feed({tcp(t0, C, 40000, S, 80, f::ack),
        tcp(t0 + 120 * kSecond, S, 80, C, 40000, f::ack),        // not > 120 s: same flow
        tcp(t0 + 120 * kSecond + 1, S, 80, C, 40000, f::ack)});  // > 120 s: continuation
  const auto& records = finish();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].reason, EndReason::timeout);
  EXPECT_EQ(records[0].packets_toserver + records[0].packets_toclient, 2u);
  // The continuation keeps the client as source although the server sent first.
  EXPECT_EQ(records[1].src_ip, testing::ip(C));
  EXPECT_EQ(records[1].packets_toserver, 0u);
  EXPECT_EQ(records[1].packets_toclient, 1u);
  EXPECT_EQ(records[1].history_view(), "^a");
  EXPECT_EQ(tracker_->counters().continuations.get(), 1u);
}

TEST_F(TrackerTest, CicSynAfterClosedFlowTimedOutStartsAFreshFlow) {
  use(LifecycleRules::cic(120 * kSecond));
  feed({tcp(kSecond, C, 40000, S, 80, f::syn),
        tcp(kSecond + 1000, S, 80, C, 40000, f::rst | f::ack),  // READY
        tcp(200 * kSecond, S, 80, C, 40000, f::syn)});         // after the timeout
  const auto& records = finish();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].conn_state, ConnState::REJ);
  EXPECT_EQ(records[1].src_ip, testing::ip(S));  // fresh: the SYN's sender
  EXPECT_EQ(tracker_->counters().continuations.get(), 0u);
}

TEST_F(TrackerTest, CicNonSynAfterClosedFlowTimedOutContinuesIt) {
  use(LifecycleRules::cic(120 * kSecond));
  feed({tcp(kSecond, C, 40000, S, 80, f::syn),
        tcp(kSecond + 1000, S, 80, C, 40000, f::rst | f::ack),
        tcp(200 * kSecond, S, 80, C, 40000, f::ack)});
  const auto& records = finish();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].src_ip, testing::ip(C));
  EXPECT_EQ(tracker_->counters().continuations.get(), 1u);
}

TEST_F(TrackerTest, CicFirstPacketFinNeverCountsTowardsTheClose) {
  use(LifecycleRules::cic(120 * kSecond));
  feed({tcp(1 * kSecond, C, 40000, S, 80, f::fin | f::ack),  // first packet: state stays OPEN
        tcp(2 * kSecond, S, 80, C, 40000, f::fin | f::ack),  // OPEN -> FIRST_FIN
        tcp(3 * kSecond, C, 40000, S, 80, f::ack),           // FIRST_FIN: no change
        tcp(4 * kSecond, C, 40000, S, 80, f::syn)});         // not READY: absorbed
  const auto& records = finish();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].packets_toserver + records[0].packets_toclient, 4u);
}

TEST_F(TrackerTest, CicIcmpSplitsOnlyWhenTypeAndCodeBothChange) {
  use(LifecycleRules::cic(120 * kSecond));
  feed({icmp(1 * kSecond, C, S, 8, 0),    // echo request
        icmp(2 * kSecond, S, C, 0, 0),    // echo reply: type differs, code same
        icmp(3 * kSecond, C, S, 3, 3)});  // port unreachable: both differ
  const auto& records = finish();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].reason, EndReason::icmp_change);
  EXPECT_EQ(records[0].packets_toserver, 1u);
  EXPECT_EQ(records[0].packets_toclient, 1u);
  EXPECT_EQ(records[1].icmp_type, 3);
  EXPECT_EQ(records[1].icmp_code, 3);
  EXPECT_EQ(records[1].src_ip, testing::ip(C));
}

TEST_F(TrackerTest, CicUdpTimeoutStartsAFreshFlowFromTheSender) {
  use(LifecycleRules::cic(120 * kSecond));
  feed({udp(kSecond, C, 5000, S, 53), udp(130 * kSecond, S, 53, C, 5000)});
  const auto& records = finish();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].reason, EndReason::timeout);
  EXPECT_EQ(records[1].src_ip, testing::ip(S));
  EXPECT_EQ(records[1].conn_state, ConnState::S0);
}

TEST_F(TrackerTest, TickExpiresFlowsWithoutFurtherPackets) {
  use(LifecycleRules::cic(120 * kSecond));
  feed({udp(kSecond, C, 5000, S, 53)});
  tracker_->advance_clock(121 * kSecond);  // exactly 120 s after the start: not yet
  EXPECT_TRUE(sink_.records.empty());
  tracker_->advance_clock(121 * kSecond + 1);
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].reason, EndReason::timeout);
}

TEST_F(TrackerTest, FullTableEvictsTheLeastRecentlyActiveFlow) {
  use(LifecycleRules::cic(120 * kSecond), /*max_flows=*/2);
  feed({udp(1 * kSecond, C, 1, S, 53),   // A
        udp(2 * kSecond, C, 2, S, 53),   // B
        udp(3 * kSecond, C, 1, S, 53),   // A again: B is now least recently active
        udp(4 * kSecond, C, 3, S, 53)}); // C: table full
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].src_port, 2);
  EXPECT_EQ(sink_.records[0].reason, EndReason::eviction);
  EXPECT_EQ(tracker_->counters().ended[static_cast<int>(EndReason::eviction)].get(), 1u);
  EXPECT_EQ(tracker_->active_flows(), 2u);
}

TEST_F(TrackerTest, VlanIdsArePartOfTheKeyUnlessConfiguredOff) {
  auto tagged = [](std::uint16_t vlan) {
    auto p = udp(kSecond, C, 5000, S, 53);
    p.vlans.push(vlan);
    return p;
  };
  use(LifecycleRules::cic(120 * kSecond));
  feed({tagged(10), tagged(20)});
  EXPECT_EQ(finish().size(), 2u);

  sink_.records.clear();
  options_.key.vlan_in_key = false;
  use(LifecycleRules::cic(120 * kSecond));
  feed({tagged(10), tagged(20)});
  ASSERT_EQ(finish().size(), 1u);
  EXPECT_EQ(sink_.records[0].packets_toserver, 2u);
}

TEST_F(TrackerTest, TombstonesOlderThanTheContinuationMemoryAreForgotten) {
  options_.tombstone_lifetime = 10 * kSecond;
  use(LifecycleRules::cic(120 * kSecond));
  feed({tcp(kSecond, C, 40000, S, 80, f::ack)});
  tracker_->advance_clock(122 * kSecond);  // flow ends at its deadline, 121 s
  feed({tcp(200 * kSecond, S, 80, C, 40000, f::ack)});
  const auto& records = finish();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].src_ip, testing::ip(S));  // no tombstone left: a fresh flow
  EXPECT_EQ(tracker_->counters().tombstones_expired.get(), 1u);
}

TEST_F(TrackerTest, NfstreamIdleTimeoutComparesWholeMilliseconds) {
  use(LifecycleRules::nfstream(120 * kSecond, 1800 * kSecond));
  // 119.999001 s apart, but 1,000,000 ms -> 1,120,000 ms: NFStream expires it.
  feed({udp(1000 * kSecond + 999, C, 5000, S, 53), udp(1120 * kSecond, S, 53, C, 5000)});
  // 119.999999 s apart, 119,999 whole ms: the same flow.
  feed({udp(2000 * kSecond, C, 6000, S, 53), udp(2119 * kSecond + 999'999, S, 53, C, 6000)});
  const auto& records = finish();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].src_port, 5000);
  EXPECT_EQ(records[0].reason, EndReason::timeout);
  EXPECT_EQ(records[0].packets_toserver + records[0].packets_toclient, 1u);
  EXPECT_EQ(records[1].src_port, 53);  // the expiring packet opened a new flow
  EXPECT_EQ(records[2].src_port, 6000);
  EXPECT_EQ(records[2].packets_toserver + records[2].packets_toclient, 2u);
}

TEST_F(TrackerTest, NfstreamActiveTimeoutSplitsLongFlows) {
  use(LifecycleRules::nfstream(120 * kSecond, 1800 * kSecond));
  for (int i = 0; i <= 31; ++i) feed({udp(i * 60 * kSecond, C, 5000, S, 53)});
  const auto& records = finish();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].packets_toserver, 30u);  // 0 .. 1740 s
  EXPECT_EQ(records[1].start, 1800 * kSecond);
  EXPECT_EQ(records[1].packets_toserver, 2u);
}

TEST_F(TrackerTest, NfstreamNeverEndsFlowsOnTcpFlags) {
  use(LifecycleRules::nfstream(120 * kSecond, 1800 * kSecond));
  feed({tcp(1 * kSecond, C, 40000, S, 80, f::syn),
        tcp(2 * kSecond, S, 80, C, 40000, f::rst | f::ack),
        tcp(3 * kSecond, C, 40000, S, 80, f::syn),
        tcp(4 * kSecond, S, 80, C, 40000, f::syn | f::ack)});
  const auto& records = finish();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].packets_toserver + records[0].packets_toclient, 4u);
  EXPECT_EQ(records[0].src_ip, testing::ip(C));
}

TEST_F(TrackerTest, PacketsOlderThanTheClockAreClampedAndCounted) {
  use(LifecycleRules::cic(120 * kSecond));
  feed({udp(10 * kSecond, C, 5000, S, 53), udp(5 * kSecond, S, 53, C, 5000)});
  const auto& records = finish();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].end, 10 * kSecond);
  EXPECT_EQ(tracker_->counters().timestamps_clamped.get(), 1u);
}

}  // namespace
}  // namespace mld::flow
