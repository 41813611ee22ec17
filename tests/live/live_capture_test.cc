// Live capture end to end: a veth pair into a fresh network namespace, the
// live pipeline capturing on the root end, and traffic the test sends and
// therefore knows packet by packet. The veth also carries IPv6 neighbour
// discovery, MLD and ARP that nobody asked for, so assertions name the flows
// the test created and never count all records.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "capture/capture_error.h"
#include "decode/decoder.h"
#include "flow/flow_key.h"
#include "live/live_sensor.h"
#include "live/sockets.h"
#include "live/veth_namespace.h"
#include "pipeline/live_dispatch.h"
#include "tools/pcap_builder.h"

namespace mld::testing::live {
namespace {

using decode::kProtoIcmp;
using decode::kProtoTcp;
using decode::kProtoUdp;

constexpr std::uint64_t kSeed = 0x2545F4914F6CDD1DULL;
constexpr std::uint16_t kVxlanPort = 4789;
constexpr std::uint32_t kVni = 42;
const char* const kInnerClient = "192.168.77.1";
const char* const kInnerServer = "192.168.77.2";
constexpr std::uint16_t kInnerClientPort = 7000, kInnerServerPort = 8000;
const char* const kVlanClient = "10.77.0.1";
const char* const kVlanServer = "10.77.0.2";
constexpr std::uint16_t kVlanId = 100;

std::string address_text(const flow::FlowRecord& r, const decode::IpAddress& a) {
  return a.to_string(r.ip_version);
}

// Records of the conversation between the two endpoints, either way round.
std::vector<flow::FlowRecord> records_of(const std::vector<flow::FlowRecord>& records,
                                         std::uint8_t protocol, const std::string& a,
                                         std::uint16_t a_port, const std::string& b,
                                         std::uint16_t b_port) {
  std::vector<flow::FlowRecord> found;
  for (const flow::FlowRecord& r : records) {
    if (r.protocol != protocol) continue;
    const std::string src = address_text(r, r.src_ip), dst = address_text(r, r.dst_ip);
    const bool forward = src == a && r.src_port == a_port && dst == b && r.dst_port == b_port;
    const bool backward = src == b && r.src_port == b_port && dst == a && r.dst_port == a_port;
    if (forward || backward) found.push_back(r);
  }
  return found;
}

// The one record of a flow the test started from `client`.
flow::FlowRecord only_record(const std::vector<flow::FlowRecord>& records, std::uint8_t protocol,
                             const std::string& client, std::uint16_t client_port,
                             const std::string& server, std::uint16_t server_port) {
  const auto found = records_of(records, protocol, client, client_port, server, server_port);
  EXPECT_EQ(found.size(), 1u) << client << ":" << client_port << " -> " << server << ":"
                              << server_port << " (protocol " << int(protocol) << ")";
  if (found.empty()) return {};
  EXPECT_EQ(address_text(found[0], found[0].src_ip), client) << "src is the client";
  EXPECT_EQ(found[0].src_port, client_port);
  return found[0];
}

// The worker that owns the decoded `frame`'s flow.
unsigned owner_of(const Bytes& frame, std::uint32_t tunnels, unsigned workers) {
  capture::RawPacket raw;
  raw.captured_length = raw.wire_length = static_cast<std::uint32_t>(frame.size());
  raw.data = frame.data();
  decode::DecoderOptions options;
  options.tunnels = tunnels;
  decode::PacketView view;
  EXPECT_EQ(decode::Decoder(options).decode(raw, view), decode::DropReason::none);
  bool from_lower = false;
  return pipeline::live_owner(flow::FlowKey::of(view, {}, from_lower), kSeed, workers);
}

unsigned owner_of(const flow::FlowRecord& r, unsigned workers) {
  decode::PacketView view;
  view.ip_version = r.ip_version;
  view.protocol = r.protocol;
  view.src_ip = r.src_ip, view.dst_ip = r.dst_ip;
  view.src_port = r.src_port, view.dst_port = r.dst_port;
  view.vlans = r.vlans;
  view.tunnel = r.tunnel;
  bool from_lower = false;
  return pipeline::live_owner(flow::FlowKey::of(view, {}, from_lower), kSeed, workers);
}

Bytes vxlan_payload(const char* inner_src, std::uint16_t sport, const char* inner_dst,
                    std::uint16_t dport) {
  return FrameBuilder()
      .vxlan(kVni)
      .ethernet()
      .ipv4(inner_src, inner_dst, kProtoUdp)
      .udp(sport, dport)
      .payload(16, 0x5a)
      .build();
}

// An outer UDP source port whose outer flow belongs to another worker than
// the inner flow: the kernel then delivers the packet to a non-owner, which
// must forward it. Any port does with one worker.
std::uint16_t port_away_from_owner(std::uint16_t first, const std::string& src,
                                   const std::string& dst, const Bytes& payload, unsigned workers) {
  for (std::uint16_t port = first; port < first + 100; ++port) {
    const Bytes frame = FrameBuilder()
                            .ethernet()
                            .ipv4(src, dst, kProtoUdp)
                            .udp(port, kVxlanPort)
                            .raw(payload)
                            .build();
    if (workers == 1 || owner_of(frame, decode::tunnel_family::none, workers) !=
                            owner_of(frame, decode::tunnel_family::all, workers)) {
      return port;
    }
  }
  throw std::runtime_error("no port maps away from the inner flow's owner");
}

// Sockets on the root side, made before the traffic thread enters the
// namespace (a socket keeps the namespace it was created in).
struct RootSide {
  RootSide(const VethNamespace& net, std::uint16_t vxlan_source_port)
      : tcp(tcp_listener(net.root_address(), 7001)),
        vxlan_in(udp_socket(net.root_address(), kVxlanPort)),
        vxlan_out(udp_socket(net.root_address(), vxlan_source_port)) {
    for (std::uint16_t i = 0; i < 3; ++i) udp.push_back(udp_socket(net.root_address(), 5001 + i));
  }
  std::vector<Fd> udp;
  Fd tcp, vxlan_in, vxlan_out;
};

// UDP to three ports, i+1 datagrams each, every one echoed.
void udp_exchanges(const VethNamespace& net, RootSide& root) {
  for (std::uint16_t i = 0; i < 3; ++i) {
    const Fd client = udp_socket(net.ns_address(), 6001 + i);
    for (int k = 0; k <= i; ++k) {
      send_to(client, net.root_address(), 5001 + i, Bytes(10 + k, 'u'));
      const Bytes request = receive(root.udp[i]);
      send_to(root.udp[i], net.ns_address(), 6001 + i, request);
      receive(client);
    }
  }
}

// A whole TCP conversation: handshake, data both ways, FIN both ways.
void tcp_exchange(const VethNamespace& net, RootSide& root) {
  const Fd client = tcp_connect(net.ns_address(), 7002, net.root_address(), 7001);
  Fd server = tcp_accept(root.tcp);
  send_all(client, Bytes(5, 'q'));
  receive(server);
  send_all(server, Bytes(7, 'r'));
  receive(client);
  shutdown_write(client);
  if (!receive(server).empty()) throw std::runtime_error("tcp: expected the client's FIN");
  server.reset();  // FIN from the server
  if (!receive(client).empty()) throw std::runtime_error("tcp: expected the server's FIN");
}

// The inner flow kInnerClient:7000 <-> kInnerServer:8000 in VXLAN, two
// packets each way; the outer source ports differ per direction.
void vxlan_exchange(const VethNamespace& net, RootSide& root, std::uint16_t ns_source_port) {
  const Fd out = udp_socket(net.ns_address(), ns_source_port);
  const Fd in = udp_socket(net.ns_address(), kVxlanPort);
  for (int k = 0; k < 2; ++k) {
    send_to(out, net.root_address(), kVxlanPort,
            vxlan_payload(kInnerClient, kInnerClientPort, kInnerServer, kInnerServerPort));
    receive(root.vxlan_in);
    send_to(root.vxlan_out, net.ns_address(), kVxlanPort,
            vxlan_payload(kInnerServer, kInnerServerPort, kInnerClient, kInnerClientPort));
    receive(in);
  }
}

// 802.1Q-tagged frames: the receiving kernel moves the tag out of the frame
// into the packet's metadata; the sensor must put it back.
void vlan_frames(const VethNamespace& net) {
  const Fd raw = raw_ethernet_socket(net.ns_interface());
  for (int k = 0; k < 2; ++k) {
    send_frame(raw, FrameBuilder()
                        .ethernet()
                        .vlan(kVlanId)
                        .ipv4(kVlanClient, kVlanServer, kProtoUdp)
                        .udp(9000, 9001)
                        .payload(12)
                        .build());
  }
}

class LiveCapture : public ::testing::TestWithParam<unsigned> {};

TEST_P(LiveCapture, RecordsExactlyTheFlowsItWasSent) {
  MLD_REQUIRE_LIVE_CAPTURE();
  const unsigned workers = GetParam();
  VethNamespace net;
  const std::uint16_t ns_vxlan_port = port_away_from_owner(
      40000, net.ns_address(), net.root_address(),
      vxlan_payload(kInnerClient, kInnerClientPort, kInnerServer, kInnerServerPort), workers);
  const std::uint16_t root_vxlan_port = port_away_from_owner(
      41000, net.root_address(), net.ns_address(),
      vxlan_payload(kInnerServer, kInnerServerPort, kInnerClient, kInnerClientPort), workers);
  ASSERT_NE(ns_vxlan_port, root_vxlan_port);
  RootSide root(net, root_vxlan_port);

  LiveSensor sensor(net.root_interface(), {"pipeline.workers=" + std::to_string(workers),
                                           "pipeline.hash-seed=" + std::to_string(kSeed),
                                           "capture.tick-ms=50", "capture.ring-mb=2"});
  net.flush_neighbours();  // the first packet will need ARP
  net.run_inside([&] {
    udp_exchanges(net, root);
    tcp_exchange(net, root);
    vxlan_exchange(net, root, ns_vxlan_port);
    vlan_frames(net);
  });
  net.exec("ping -c 3 -i 0.2 -W 1 -q " + net.root_address());
  const pipeline::RunResult result = sensor.stop();
  const std::vector<flow::FlowRecord>& records = sensor.records();
  const std::string ns = net.ns_address(), host = net.root_address();

  for (std::uint16_t i = 0; i < 3; ++i) {
    const auto r = only_record(records, kProtoUdp, ns, 6001 + i, host, 5001 + i);
    EXPECT_EQ(r.packets_toserver, i + 1u);
    EXPECT_EQ(r.packets_toclient, i + 1u);
    EXPECT_EQ(r.reason, flow::EndReason::end_of_input);
    EXPECT_EQ(r.worker, owner_of(r, workers)) << "udp " << i;
  }

  const auto tcp = only_record(records, kProtoTcp, ns, 7002, host, 7001);
  EXPECT_EQ(flow::conn_state_name(tcp.conn_state), "SF");
  for (char step : std::string("ShFf")) {
    EXPECT_NE(tcp.history_view().find(step), std::string_view::npos)
        << "history " << tcp.history_view() << " lacks " << step;
  }
  EXPECT_GE(tcp.packets_toserver, 4u);  // SYN, ACK, data, FIN
  EXPECT_GE(tcp.packets_toclient, 3u);  // SYN-ACK, data, FIN
  EXPECT_EQ(tcp.reason, flow::EndReason::end_of_input);
  EXPECT_EQ(tcp.worker, owner_of(tcp, workers));

  const auto icmp = only_record(records, kProtoIcmp, ns, 0, host, 0);
  EXPECT_EQ(icmp.icmp_type, 8);
  EXPECT_EQ(icmp.packets_toserver, 3u);
  EXPECT_EQ(icmp.packets_toclient, 3u);

  // The inner flow exists once, with both directions: the packets that the
  // kernel gave to other workers were forwarded to its owner. Which side is
  // `src` is not asserted: packets forwarded by two different workers reach
  // the owner in the order the workers got them from their rings, which may
  // differ from the order on the wire (see live_pipeline.h).
  const auto vxlan_records = records_of(records, kProtoUdp, kInnerClient, kInnerClientPort,
                                        kInnerServer, kInnerServerPort);
  ASSERT_EQ(vxlan_records.size(), 1u);
  const flow::FlowRecord& vxlan = vxlan_records[0];
  EXPECT_EQ(vxlan.tunnel.kind, decode::TunnelKind::vxlan);
  EXPECT_EQ(vxlan.tunnel.id, kVni);
  EXPECT_EQ(vxlan.packets_toserver, 2u);
  EXPECT_EQ(vxlan.packets_toclient, 2u);
  EXPECT_EQ(vxlan.worker, owner_of(vxlan, workers));

  const auto vlan = only_record(records, kProtoUdp, kVlanClient, 9000, kVlanServer, 9001);
  ASSERT_EQ(vlan.vlans.count, 1);
  EXPECT_EQ(vlan.vlans.ids[0], kVlanId);
  EXPECT_EQ(vlan.packets_toserver, 2u);
  EXPECT_EQ(vlan.packets_toclient, 0u);

  const pipeline::RunStats& s = result.stats;
  EXPECT_TRUE(result.input_errors.empty());
  EXPECT_GE(s.decode.drops[static_cast<std::size_t>(decode::DropReason::not_ip)], 2u)
      << "ARP request and reply";
  // Only the VXLAN packets reach a non-owner: for every other packet the
  // kernel's program and the user-space owner agree.
  EXPECT_EQ(s.dispatch.packets_forwarded, workers > 1 ? 4u : 0u);
  EXPECT_EQ(s.dispatch.forward_drops, 0u);
  EXPECT_EQ(s.capture.kernel_drops, 0u);
  EXPECT_EQ(s.capture.kernel_packets, s.decode.packets_read)
      << "every frame the kernel kept was read";
  EXPECT_EQ(s.workers.size(), workers);
  EXPECT_EQ(s.flow.packets, s.decode.packets_decoded);
}

INSTANTIATE_TEST_SUITE_P(Workers, LiveCapture, ::testing::Values(1u, 3u),
                         [](const auto& info) { return std::to_string(info.param) + "_workers"; });

// The tick ends idle flows while no packet arrives, and their records reach
// the consumer without waiting for the capture to stop.
TEST(LiveCaptureTick, IdleFlowsTimeOutWhileCapturing) {
  MLD_REQUIRE_LIVE_CAPTURE();
  VethNamespace net;
  const Fd server = udp_socket(net.root_address(), 5001);
  LiveSensor sensor(net.root_interface(),
                    {"pipeline.workers=2", "capture.tick-ms=50", "flow.cic.timeout=0.5"});
  net.run_inside([&] {
    const Fd client = udp_socket(net.ns_address(), 6001);
    send_to(client, net.root_address(), 5001, Bytes(10, 'u'));
    receive(server);
    send_to(server, net.ns_address(), 6001, Bytes(10, 'v'));
    receive(client);
  });
  std::vector<flow::FlowRecord> found;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (found.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    found = records_of(sensor.records_so_far(), kProtoUdp, net.ns_address(), 6001,
                       net.root_address(), 5001);
  }
  ASSERT_EQ(found.size(), 1u) << "no record within 5 s of a 0.5 s timeout";
  EXPECT_EQ(found[0].reason, flow::EndReason::timeout);
  EXPECT_EQ(found[0].packets_toserver, 1u);
  EXPECT_EQ(found[0].packets_toclient, 1u);
  sensor.stop();
  EXPECT_EQ(
      records_of(sensor.records(), kProtoUdp, net.ns_address(), 6001, net.root_address(), 5001)
          .size(),
      1u);
}

TEST(LiveCaptureErrors, NamesTheInterface) {
  try {
    LiveSensor sensor("mldnosuchif0", {});
    FAIL() << "opened a missing interface";
  } catch (const capture::CaptureError& e) {
    EXPECT_STREQ(e.what(), "-i mldnosuchif0: no such interface");
  }
}

}  // namespace
}  // namespace mld::testing::live
