// Zeek conn_state / history for packet sequences whose Zeek outcome is known
// from its documentation (base/protocols/conn/main.zeek).
#include "flow/conn_tracker.h"

#include <gtest/gtest.h>

#include "tools/packet_factory.h"

namespace mld::flow {
namespace {

namespace f = decode::tcp_flag;
using testing::tcp;

constexpr Direction O = Direction::forward;   // originator
constexpr Direction R = Direction::backward;  // responder

struct Step {
  Direction side;
  std::uint8_t flags;
  std::uint32_t payload = 0;
  std::uint32_t seq = 0;
  std::uint16_t window = 1000;
};

ConnTracker run(std::initializer_list<Step> steps, bool flipped = false) {
  ConnTracker conn;
  conn.start(flipped);
  for (const Step& s : steps) {
    conn.on_packet(s.side, tcp(0, "10.0.0.1", 1, "10.0.0.2", 2, s.flags, s.payload, s.seq, s.window));
  }
  return conn;
}

TEST(ConnTracker, UnansweredSynIsS0) {
  const ConnTracker c = run({{O, f::syn}, {O, f::syn}});
  EXPECT_EQ(c.conn_state(decode::kProtoTcp), ConnState::S0);
  EXPECT_EQ(c.history(), "S");
}

TEST(ConnTracker, SynAnsweredByResetIsRejected) {
  const ConnTracker c = run({{O, f::syn}, {R, f::rst | f::ack}});
  EXPECT_EQ(c.conn_state(decode::kProtoTcp), ConnState::REJ);
  EXPECT_EQ(c.history(), "Sr");
}

TEST(ConnTracker, CompleteConnectionIsSF) {
  const ConnTracker c = run({{O, f::syn},
                             {R, f::syn | f::ack},
                             {O, f::ack},
                             {O, f::psh | f::ack, 10, 1},
                             {R, f::psh | f::ack, 20, 1},
                             {O, f::fin | f::ack},
                             {R, f::fin | f::ack},
                             {O, f::ack}});
  EXPECT_EQ(c.conn_state(decode::kProtoTcp), ConnState::SF);
  EXPECT_EQ(c.flow_state(decode::kProtoTcp), FlowState::closed);
  EXPECT_EQ(c.history(), "ShADdFf");
}

TEST(ConnTracker, EstablishedWithoutCloseIsS1) {
  const ConnTracker c = run({{O, f::syn}, {R, f::syn | f::ack}, {O, f::ack}});
  EXPECT_EQ(c.conn_state(decode::kProtoTcp), ConnState::S1);
  EXPECT_EQ(c.flow_state(decode::kProtoTcp), FlowState::established);
}

TEST(ConnTracker, OriginatorAbortAfterHandshakeIsRSTO) {
  const ConnTracker c = run({{O, f::syn}, {R, f::syn | f::ack}, {O, f::rst}});
  EXPECT_EQ(c.conn_state(decode::kProtoTcp), ConnState::RSTO);
  EXPECT_EQ(c.history(), "ShR");
}

TEST(ConnTracker, ResponderAbortIsRSTR) {
  const ConnTracker c = run({{O, f::syn}, {R, f::syn | f::ack}, {O, f::ack}, {R, f::rst}});
  EXPECT_EQ(c.conn_state(decode::kProtoTcp), ConnState::RSTR);
}

TEST(ConnTracker, SynThenOriginatorResetIsRSTOS0) {
  const ConnTracker c = run({{O, f::syn}, {O, f::rst}});
  EXPECT_EQ(c.conn_state(decode::kProtoTcp), ConnState::RSTOS0);
  EXPECT_EQ(c.history(), "SR");
}

TEST(ConnTracker, OriginatorCloseWithoutReplyIsSH) {
  const ConnTracker c = run({{O, f::syn}, {O, f::fin}});
  EXPECT_EQ(c.conn_state(decode::kProtoTcp), ConnState::SH);
}

TEST(ConnTracker, MidstreamTrafficIsOTH) {
  const ConnTracker c = run({{O, f::ack, 100, 1000}, {R, f::ack}});
  EXPECT_EQ(c.conn_state(decode::kProtoTcp), ConnState::OTH);
  EXPECT_EQ(c.history(), "Da");
}

TEST(ConnTracker, RetransmissionsAndZeroWindowsAreScaled) {
  // 12 copies of the same segment: T on the 1st and 10th retransmission.
  ConnTracker c;
  c.start(false);
  for (int i = 0; i < 12; ++i) {
    c.on_packet(O, tcp(0, "10.0.0.1", 1, "10.0.0.2", 2, f::ack, 100, 5000));
  }
  c.on_packet(R, tcp(0, "10.0.0.2", 2, "10.0.0.1", 1, f::ack, 0, 0, /*window=*/0));
  EXPECT_EQ(c.history(), "DTTaw");
}

TEST(ConnTracker, FlippedFlowStartsWithCaret) {
  const ConnTracker c = run({{R, f::syn | f::ack}, {O, f::ack}}, /*flipped=*/true);
  EXPECT_EQ(c.history(), "^hA");
}

TEST(ConnTracker, UdpStatesFollowDirectionsSeen) {
  ConnTracker one_way, both_ways;
  const auto datagram = testing::udp(0, "10.0.0.1", 1, "10.0.0.2", 2, 10);
  one_way.on_packet(O, datagram);
  both_ways.on_packet(O, datagram);
  both_ways.on_packet(R, datagram);
  EXPECT_EQ(one_way.conn_state(decode::kProtoUdp), ConnState::S0);
  EXPECT_EQ(both_ways.conn_state(decode::kProtoUdp), ConnState::SF);
  EXPECT_EQ(both_ways.history(), "Dd");
  EXPECT_EQ(both_ways.conn_state(decode::kProtoIcmp), ConnState::OTH);
}

}  // namespace
}  // namespace mld::flow
