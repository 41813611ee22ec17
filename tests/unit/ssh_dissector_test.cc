// The SSH dissector on real captures and on hostile input. Expected hassh
// values come from nDPI's result files (ndpi/tests/cfgs/default/result/*.out:
// "[HASSH-C: ...]", "[HASSH-S: ...]") and from tshark 4.0 (ssh.kex.hassh,
// ssh.kex.hasshserver); which side sent which banner from tshark (ip.src,
// tcp.srcport, ssh.protocol). nDPI's "[Hostname/SNI: ...]" and "[Server: ...]"
// hold the banners in the order they were sent, not by role: where the server
// speaks first (as SSH servers usually do) they are the other way round.
#include "app/ssh.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "dissector_test_support.h"

namespace mld::app {
namespace {

using flow::Direction;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

Bytes bytes_of(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

struct FlowEvents {
  std::string client;  // "ip:port" of the forward endpoint
  std::vector<test::Emitted> events;
};

// Every TCP conversation of `relative` through its own dissector.
std::vector<FlowEvents> dissect_capture(const std::string& relative, AppCounters& counters) {
  const auto packets = testing::payload_packets(testing::shared_data_dir() + "/" + relative);
  int conversations = 0;
  for (const auto& p : packets) conversations = std::max(conversations, p.conversation + 1);
  std::vector<FlowEvents> flows;
  for (int c = 0; c < conversations; ++c) {
    const auto first = std::find_if(packets.begin(), packets.end(),
                                    [c](const auto& p) { return p.conversation == c; });
    if (first == packets.end() || first->protocol != 6) continue;
    const bool forward = first->side == Direction::forward;
    FlowEvents flow;
    flow.client = (forward ? first->src_ip : first->dst_ip) + ":" +
                  std::to_string(forward ? first->src_port : first->dst_port);
    auto dissector = make_ssh_dissector(counters);
    test::RecordingOut out;
    test::feed(*dissector, test::conversation(packets, c), out);
    EXPECT_FALSE(dissector->wants_more()) << flow.client;
    flow.events = std::move(out.events);
    flows.push_back(std::move(flow));
  }
  return flows;
}

const SshEvent& only_ssh_event(const std::vector<FlowEvents>& flows, const std::string& client) {
  const auto it = std::find_if(flows.begin(), flows.end(),
                               [&](const FlowEvents& f) { return f.client == client; });
  if (it == flows.end()) throw std::runtime_error("no flow from " + client);
  if (it->events.size() != 1) throw std::runtime_error("not one event from " + client);
  return std::get<SshEvent>(it->events[0].body);
}

void expect_endpoint(const SshEndpoint& endpoint, const std::string& proto,
                     const std::string& software, const std::string& hassh) {
  EXPECT_EQ(endpoint.proto_version, proto);
  EXPECT_EQ(endpoint.software_version, software);
  if (hassh.empty()) {
    EXPECT_FALSE(endpoint.hassh.has_value());
    return;
  }
  ASSERT_TRUE(endpoint.hassh.has_value());
  EXPECT_EQ(endpoint.hassh->hash, lower(hassh));
}

TEST(SshDissector, NdpiSshCaptureMatchesNdpiBannersAndHassh) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto flows = dissect_capture("ndpi/tests/cfgs/default/pcap/ssh.pcap", counters);
  const SshEvent& a = only_ssh_event(flows, "172.16.238.1:58395");
  expect_endpoint(a.client, "2.0", "OpenSSH_5.6", "21B457A327CE7A2D4FCE5EF2C42400BD");
  expect_endpoint(a.server, "2.0", "OpenSSH_5.3", "B1C6C0D56317555B85C7005A3DE29325");
  const SshEvent& b = only_ssh_event(flows, "127.0.0.1:58496");
  // "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.11": the comment after the space is not the version.
  expect_endpoint(b.client, "2.0", "OpenSSH_8.2p1", "C11B200866CF918393E62EA25D851D90");
  expect_endpoint(b.server, "2.0", "APACHE-SSHD-2.5.0", "CA6DD86B2D9A44E4A3F1A55C53E6B0FA");
  EXPECT_EQ(counters.ssh_malformed.get(), 0u);
}

TEST(SshDissector, HasshStringIsKexCiphersMacsCompressionOfTheSide) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto flows = dissect_capture("ndpi/tests/cfgs/default/pcap/ssh.pcap", counters);
  const SshEvent& event = only_ssh_event(flows, "172.16.238.1:58395");
  // tshark ssh.kex.hassh_algorithms / ssh.kex.hasshserver_algorithms of this flow.
  const std::string kex =
      "diffie-hellman-group-exchange-sha256,diffie-hellman-group-exchange-sha1,"
      "diffie-hellman-group14-sha1,diffie-hellman-group1-sha1;"
      "aes128-ctr,aes192-ctr,aes256-ctr,arcfour256,arcfour128,aes128-cbc,3des-cbc,blowfish-cbc,"
      "cast128-cbc,aes192-cbc,aes256-cbc,arcfour,rijndael-cbc@lysator.liu.se;"
      "hmac-md5,hmac-sha1,umac-64@openssh.com,hmac-ripemd160,hmac-ripemd160@openssh.com,"
      "hmac-sha1-96,hmac-md5-96;";
  ASSERT_TRUE(event.client.hassh && event.server.hassh);
  EXPECT_EQ(event.client.hassh->string, kex + "none,zlib@openssh.com,zlib");
  EXPECT_EQ(event.server.hassh->string, kex + "none,zlib@openssh.com");
}

TEST(SshDissector, Ssh199ClientAndSsh1PeersFromCustomCategories) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto flows =
      dissect_capture("ndpi/tests/cfgs/default/pcap/custom_categories.pcapng", counters);
  const SshEvent& v2 = only_ssh_event(flows, "172.26.219.44:58639");
  expect_endpoint(v2.client, "2.0", "OpenSSH_6.1", "D6593B3202A30B2AA9793A00F8647A0A");
  expect_endpoint(v2.server, "1.99", "OpenSSH_4.3", "500033A73A293E7C36743693D0D4596B");
  // Both sides "SSH-1.5-1.2.26": protocol 1 has no KEXINIT, so banners only.
  const SshEvent& v1 = only_ssh_event(flows, "2001:db8:1::1:64720");
  expect_endpoint(v1.client, "1.5", "1.2.26", "");
  expect_endpoint(v1.server, "1.5", "1.2.26", "");
  EXPECT_EQ(counters.ssh_malformed.get(), 0u);
}

TEST(SshDissector, RefusedClientGivesAServerOnlyEvent) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  // The server sends its banner; the client answers an empty line (malformed:
  // a client starts with its identification), the server "Protocol mismatch."
  // where a binary packet belongs (malformed: a 0x50726f74-byte packet).
  const auto flows =
      dissect_capture("ndpi/tests/cfgs/default/pcap/ssh_unidirectional.pcap", counters);
  const SshEvent& event = only_ssh_event(flows, "192.168.2.198:50306");
  expect_endpoint(event.server, "2.0", "OpenSSH_7.4p1", "");
  expect_endpoint(event.client, "", "", "");
  EXPECT_EQ(counters.ssh_malformed.get(), 2u);
}

TEST(SshDissector, TcpdumpAndMmtCapturesMatchTshark) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto tcpdump = dissect_capture("tcpdump/tests/ssh.pcap", counters);
  ASSERT_EQ(tcpdump.size(), 1u);
  ASSERT_EQ(tcpdump[0].events.size(), 1u);
  const auto& a = std::get<SshEvent>(tcpdump[0].events[0].body);
  expect_endpoint(a.client, "2.0", "OpenSSH_7.8", "ec7378c1a92f5a8dde7e8b7a1ddf33d1");
  expect_endpoint(a.server, "2.0", "OpenSSH_7.4p1", "c099ec12a2b4c3b347f8f17d966469ed");

  const auto mmt = dissect_capture("mmt-security/check/pcap/2.ssh.pcap", counters);
  ASSERT_EQ(mmt.size(), 1u);
  ASSERT_EQ(mmt[0].events.size(), 1u);
  const auto& b = std::get<SshEvent>(mmt[0].events[0].body);
  expect_endpoint(b.client, "2.0", "OpenSSH_7.2p2", "68e0ba85e1a818f7c49ea3f4b849bd15");
  expect_endpoint(b.server, "2.0", "OpenSSH_6.6.1p1", "ba6d3d2aecbd0d91b01dfa7828110d70");
  EXPECT_EQ(counters.ssh_malformed.get(), 0u);
}

TEST(SshDissector, BruteForceCaptureGivesOneEventPerConnection) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto flows = dissect_capture("mmt-security/check/pcap/1.ssh_brute.pcap", counters);
  // tshark: 6 TCP streams, each with both banners and both hassh values.
  ASSERT_EQ(flows.size(), 6u);
  for (const auto& flow : flows) {
    ASSERT_EQ(flow.events.size(), 1u) << flow.client;
    const auto& event = std::get<SshEvent>(flow.events[0].body);
    expect_endpoint(event.client, "2.0", "OpenSSH_7.2p2", "68e0ba85e1a818f7c49ea3f4b849bd15");
    expect_endpoint(event.server, "2.0", "OpenSSH_6.6.1p1", "ba6d3d2aecbd0d91b01dfa7828110d70");
  }
}

TEST(SshDissector, SlipsBruteForceOnPort902) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto flows =
      dissect_capture("slips/dataset/test19-malicious-ssh/malicious-ssh-bruteforce.pcap", counters);
  // tshark -d tcp.port==902,ssh: 67 streams (one without payload, one where
  // only the server spoke), 65 client banners, 48 server banners, 47 streams
  // with both KEXINITs.
  int events = 0, clients = 0, servers = 0, both_hassh = 0;
  for (const auto& flow : flows) {
    for (const auto& emitted : flow.events) {
      const auto& event = std::get<SshEvent>(emitted.body);
      ++events;
      if (event.client.software_version == "libssh2_1.11.0") ++clients;
      if (event.server.software_version == "OpenSSH_9.6p1") ++servers;
      if (!event.client.hassh || !event.server.hassh) continue;
      ++both_hassh;
      EXPECT_EQ(event.client.hassh->hash, "44ac1859818d6cacfb48ec9cb230b3f0");
      EXPECT_EQ(event.server.hassh->hash, "e42184b06d45385a906f0803d04c83da");
    }
  }
  EXPECT_EQ(flows.size(), 66u);
  EXPECT_EQ(events, 66);
  EXPECT_EQ(clients, 65);
  EXPECT_EQ(servers, 48);
  EXPECT_EQ(both_hassh, 47);
}

TEST(SshDissector, BytesSplitAnywhereGiveTheSameEvent) {
  MLD_REQUIRE_SHARED_DATA();
  const auto packets =
      testing::payload_packets(testing::shared_data_dir() + "/tcpdump/tests/ssh.pcap");
  AppCounters counters;
  auto dissector = make_ssh_dissector(counters);
  test::RecordingOut out;
  for (const auto& p : packets) {
    for (const std::uint8_t& byte : p.payload)
      dissector->on_data(p.side, p.timestamp, {&byte, 1}, out);
  }
  ASSERT_EQ(out.events.size(), 1u);
  const auto& event = std::get<SshEvent>(out.events[0].body);
  expect_endpoint(event.client, "2.0", "OpenSSH_7.8", "ec7378c1a92f5a8dde7e8b7a1ddf33d1");
  expect_endpoint(event.server, "2.0", "OpenSSH_7.4p1", "c099ec12a2b4c3b347f8f17d966469ed");
  EXPECT_FALSE(dissector->wants_more());
}

// ---- Hand-made input: the RFC 4253 packet layout around chosen payloads.

std::string be32_text(std::uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
          static_cast<char>(value >> 8), static_cast<char>(value)};
}

std::string name_list(const std::string& names) { return be32_text(names.size()) + names; }

// An unencrypted binary packet: 4 bytes of padding, no MAC.
std::string packet(const std::string& payload) {
  return be32_text(payload.size() + 5) + '\x04' + payload + std::string(4, '\0');
}

std::string kexinit(const std::string& suffix) {
  std::string payload = "\x14" + std::string(16, 'c');
  for (const char* list : {"kex1,kex2", "ssh-ed25519", "aes-cs", "aes-sc", "mac-cs", "mac-sc",
                           "none", "zlib", "", ""}) {
    payload += name_list(list);
  }
  return packet(payload + '\0' + be32_text(0) + suffix);
}

struct Session {
  AppCounters counters;
  std::unique_ptr<Dissector> dissector = make_ssh_dissector(counters);
  test::RecordingOut out;
  void send(Direction side, const std::string& bytes) {
    dissector->on_data(side, 7, bytes_of(bytes), out);
  }
  const SshEvent& event() const { return std::get<SshEvent>(out.events.at(0).body); }
};

TEST(SshDissector, HandMadeHandshakeGivesBothHassh) {
  Session s;
  s.send(Direction::backward, "first line\r\nSSH-2.0-Server_1.0\r\n" + kexinit(""));
  EXPECT_TRUE(s.dissector->wants_more());
  s.send(Direction::forward,
         "SSH-2.0-Client_2.0 some comment\r\n" + packet("\x02ignored") + kexinit(""));
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.out.events[0].side, Direction::forward);
  EXPECT_EQ(s.event().client.software_version, "Client_2.0");
  EXPECT_EQ(s.event().server.software_version, "Server_1.0");
  ASSERT_TRUE(s.event().client.hassh && s.event().server.hassh);
  EXPECT_EQ(s.event().client.hassh->string, "kex1,kex2;aes-cs;mac-cs;none");
  EXPECT_EQ(s.event().server.hassh->string, "kex1,kex2;aes-sc;mac-sc;zlib");
  EXPECT_EQ(s.event().client.hassh->hash.size(), 32u);
  EXPECT_FALSE(s.dissector->wants_more());
  s.dissector->on_flow_end(8, s.out);
  EXPECT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.counters.ssh_malformed.get(), 0u);
}

TEST(SshDissector, ClientMustStartWithItsIdentification) {
  Session s;
  s.send(Direction::forward, "GET / HTTP/1.1\r\n");
  s.send(Direction::backward, "HTTP/1.1 400 Bad\r\n");
  s.dissector->on_flow_end(8, s.out);
  EXPECT_TRUE(s.out.events.empty());              // no banner on either side: not SSH
  EXPECT_EQ(s.counters.ssh_malformed.get(), 1u);  // the server may still send its banner
}

TEST(SshDissector, TooManyLinesBeforeTheServerBanner) {
  Session s;
  std::string lines;
  for (int i = 0; i <= ssh::kMaxLinesBeforeBanner; ++i) lines += "hello\r\n";
  s.send(Direction::backward, lines + "SSH-2.0-late\r\n");
  EXPECT_EQ(s.counters.ssh_malformed.get(), 1u);
  s.dissector->on_flow_end(8, s.out);
  EXPECT_TRUE(s.out.events.empty());
}

TEST(SshDissector, OverlongBannerKeepsWhatFitsAndGoesOn) {
  Session s;
  s.send(Direction::forward, "SSH-2.0-Long" + std::string(400, 'x') + "\r\n" + kexinit(""));
  s.send(Direction::backward, "SSH-2.0-S\r\n" + kexinit(""));
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.event().client.software_version.size(), ssh::kMaxLineBytes - 8);
  EXPECT_TRUE(s.event().client.hassh.has_value());
  EXPECT_EQ(s.counters.ssh_malformed.get(), 1u);
}

TEST(SshDissector, OverlongBannerWithoutSoftwareVersionIsCountedOnce) {
  Session s;
  s.send(Direction::forward, "SSH-" + std::string(400, '2'));
  EXPECT_EQ(s.counters.ssh_malformed.get(), 1u);
  s.dissector->on_flow_end(8, s.out);
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.event().client.proto_version, std::string(ssh::kMaxLineBytes - 4, '2'));
}

TEST(SshDissector, OverlongOtherLineEndsTheDirection) {
  Session s;
  s.send(Direction::backward, std::string(1000, 'x'));
  EXPECT_EQ(s.counters.ssh_malformed.get(), 1u);
  s.send(Direction::forward, "SSH-2.0-C\r\n" + kexinit(""));
  ASSERT_EQ(s.out.events.size(), 1u);  // both directions are finished
  EXPECT_TRUE(s.event().server.proto_version.empty());
}

TEST(SshDissector, BannerWithoutSoftwareVersionIsMalformed) {
  Session s;
  s.send(Direction::forward, "SSH-2.0\r\n");
  s.dissector->on_flow_end(8, s.out);
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.event().client.proto_version, "2.0");
  EXPECT_EQ(s.counters.ssh_malformed.get(), 1u);
}

TEST(SshDissector, GiantPacketLengthIsMalformed) {
  Session s;
  s.send(Direction::forward,
         "SSH-2.0-C\r\n" + be32_text(0xfffffff0) + "\x04\x14" + std::string(100, 'z'));
  EXPECT_EQ(s.counters.ssh_malformed.get(), 1u);
  s.send(Direction::backward, "SSH-2.0-S\r\n" + be32_text(ssh::kMaxPacketLength + 1) + "\x04\x14");
  EXPECT_EQ(s.counters.ssh_malformed.get(), 2u);
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_FALSE(s.event().client.hassh.has_value());
  EXPECT_EQ(s.event().server.software_version, "S");
}

TEST(SshDissector, PaddingLongerThanThePacketIsMalformed) {
  Session s;
  s.send(Direction::forward, "SSH-2.0-C\r\n" + be32_text(10) + "\x09\x14" + std::string(8, 'p'));
  EXPECT_EQ(s.counters.ssh_malformed.get(), 1u);
}

TEST(SshDissector, NameListBeyondThePayloadIsMalformed) {
  Session s;
  std::string payload = "\x14" + std::string(16, 'c') + name_list("kex") + be32_text(1000) + "ab";
  s.send(Direction::forward, "SSH-2.0-C\r\n" + packet(payload));
  s.send(Direction::backward, "SSH-2.0-S\r\n" + packet(payload.substr(0, 10)));
  EXPECT_EQ(s.counters.ssh_malformed.get(), 2u);
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_FALSE(s.event().client.hassh.has_value());
  EXPECT_FALSE(s.event().server.hassh.has_value());
}

TEST(SshDissector, NewkeysOrNoiseBeforeKexinitIsMalformed) {
  Session s;
  s.send(Direction::forward, "SSH-2.0-C\r\n" + packet("\x15"));
  EXPECT_EQ(s.counters.ssh_malformed.get(), 1u);
  std::string noise;
  for (int i = 0; i <= ssh::kMaxPacketsBeforeKexinit; ++i) noise += packet("\x02x");
  s.send(Direction::backward, "SSH-2.0-S\r\n" + noise + kexinit(""));
  EXPECT_EQ(s.counters.ssh_malformed.get(), 2u);
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_FALSE(s.event().server.hassh.has_value());
}

TEST(SshDissector, GapInsideASkippedPacketKeepsTheStream) {
  Session s;
  const std::string ignored = packet("\x02" + std::string(100, 'i'));
  s.send(Direction::forward, "SSH-2.0-C\r\n" + ignored.substr(0, 20));
  s.dissector->on_gap(Direction::forward, 50);
  s.send(Direction::forward, ignored.substr(70) + kexinit(""));
  s.send(Direction::backward, "SSH-2.0-S\r\n");
  s.dissector->on_gap(Direction::backward, 10);  // before a packet header: lost
  EXPECT_FALSE(s.dissector->wants_more());
  s.dissector->on_flow_end(8, s.out);
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_TRUE(s.event().client.hassh.has_value());
  EXPECT_FALSE(s.event().server.hassh.has_value());
  EXPECT_EQ(s.counters.ssh_malformed.get(), 0u);
}

TEST(SshDissector, TruncatedHandshakeIsReportedAtFlowEnd) {
  Session s;
  s.send(Direction::forward, "SSH-2.0-C\r\n" + kexinit("").substr(0, 30));
  s.send(Direction::backward, "SSH-2.0-S");  // no line end yet
  EXPECT_TRUE(s.dissector->wants_more());
  s.dissector->on_flow_end(9, s.out);
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.out.events[0].timestamp, 9);
  EXPECT_EQ(s.event().client.software_version, "C");
  EXPECT_FALSE(s.event().client.hassh.has_value());
  EXPECT_TRUE(s.event().server.proto_version.empty());
  EXPECT_TRUE(s.dissector->host().empty());
}

}  // namespace
}  // namespace mld::app
