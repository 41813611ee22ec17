// Protocol events (src/app/app_event.h) as EVE lines and as protobuf. The
// expected lines are written by hand from Suricata 8's documented shapes
// (community ids computed with an independent implementation of the spec);
// the protobuf Event must print as the same line byte for byte.
#include <gtest/gtest.h>
#include <mldefender/events/v1/events.pb.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "output/eve_writer.h"
#include "output/protobuf_encoder.h"
#include "protobuf_test_support.h"
#include "tools/packet_factory.h"

namespace mld::output {
namespace {

namespace pb = mld::events::v1;
using flow::Direction;
using test::expect_same;
using test::printed;

constexpr Micros kTime = 1'700'000'000'123'456;  // 2023-11-14T22:13:20.123456Z
const std::vector<std::string> kInputs = {"capture.pcap"};

flow::FlowIdentity identity(std::uint64_t flow_id, std::uint8_t protocol, const std::string& src,
                            std::uint16_t src_port, const std::string& dst,
                            std::uint16_t dst_port) {
  flow::FlowIdentity f;
  f.flow_id = flow_id;
  f.ip_version =
      src.find(':') == std::string::npos ? decode::IpVersion::v4 : decode::IpVersion::v6;
  f.protocol = protocol;
  f.src_ip = testing::ip(src);
  f.dst_ip = testing::ip(dst);
  f.src_port = src_port;
  f.dst_port = dst_port;
  return f;
}

app::AppEvent event(const flow::FlowIdentity& flow, Direction side, app::AppEventBody body) {
  return {flow, kTime, side, std::move(body)};
}

std::string eve_line(const app::AppEvent& event) {
  TextBuffer out;
  EveWriter(kInputs).append_app_event(event, out);
  return std::string(out.view());
}

pb::Event encode(const app::AppEvent& event) {
  EventBatch batch;
  ProtobufEncoder(kInputs, flow::FeatureProfile::dataset).append_app_event(event, batch);
  EXPECT_EQ(batch.protobuf_ends.size(), 1u);
  pb::Event message;
  EXPECT_TRUE(message.ParseFromString(batch.protobuf));
  return message;
}

const flow::FlowIdentity kDnsFlow = identity(42, 17, "192.0.2.10", 53000, "192.0.2.53", 53);

app::DnsEvent dns_response() {
  app::DnsEvent dns;
  dns.response = true;
  dns.id = 0x1a2b;
  dns.flags = 0x8580;  // qr aa rd ra
  dns.rcode = "NOERROR";
  dns.queries = {{"www.example.com", "A"}};
  dns.answers = {{"www.example.com", "CNAME", 3600, "example.com"},
                 {"example.com", "A", 300, "93.184.216.34"}};
  dns.authorities = {{"example.com", "SOA", 3600, ""}};
  return dns;
}

app::AppEvent dns_event() { return event(kDnsFlow, Direction::backward, dns_response()); }

app::AppEvent http_event() {
  flow::FlowIdentity flow = identity(43, 6, "192.0.2.10", 49152, "198.51.100.20", 80);
  flow.vlans.push(100);
  flow.vlans.push(200);
  app::HttpEvent http;
  http.hostname = "www.example.com";
  http.url = "/index.html?q=1";
  http.http_user_agent = "curl/8.5.0";
  http.http_content_type = "text/html; charset=UTF-8";
  http.http_method = "GET";
  http.protocol = "HTTP/1.1";
  http.status = 200;
  http.length = 1256;
  // Completed by the response: the flow's orientation all the same.
  return event(flow, Direction::backward, http);
}

app::AppEvent tls_event() {
  flow::FlowIdentity flow = identity(44, 6, "10.1.1.5", 51000, "203.0.113.7", 443);
  flow.tunnel = {decode::TunnelKind::vxlan, 1, 4242};
  flow.input_index = 5;  // no such capture (live): no pcap_filename
  app::TlsEvent tls;
  tls.subject = "C=US, O=Example Inc, CN=www.example.com";
  tls.issuerdn = "C=US, O=DigiCert Inc, CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1";
  tls.serial = "0F:BE:08:B0:85:4D:05:73";
  tls.fingerprint = "31:0d:b7:af:4b:2b:c9:04:0c:83:44:70:1a:ca:08:d0:c6:93:81:e3";
  tls.sni = "www.example.com";
  tls.version = "TLS 1.2";
  tls.notbefore = "2024-01-30T00:00:00";
  tls.notafter = "2025-03-01T23:59:59";
  tls.ja3 = app::Fingerprint{"d36a7cb39c3050c9fbd01029ae20ca01",
                             "771,49195-49199,0-23-65281-10-11-35-16-5-13,29-23-24,0"};
  tls.ja3s = app::Fingerprint{"47decf033ac4c8fc9b952ff41e549679", "771,49199,65281-0-11-35-16"};
  tls.ja4 = "t12d0210h2_0c5a4e3ff4b4_1c7fbe1fd1f2";
  tls.client_alpns = {"h2", "http/1.1"};
  tls.server_alpns = {"h2"};
  return event(flow, Direction::backward, tls);
}

app::AppEvent ssh_event() {
  app::SshEvent ssh;
  ssh.client = {"2.0", "OpenSSH_9.6p1 Ubuntu-3ubuntu13",
                app::Fingerprint{"851c4b170cb2c58db10b0489a5047d51",
                                 "curve25519-sha256,ecdh-sha2-nistp256;chacha20-poly1305@openssh."
                                 "com,aes128-ctr;hmac-sha2-256;none"}};
  ssh.server = {"2.0", "OpenSSH_8.9p1", std::nullopt};
  return event(identity(45, 6, "10.1.1.5", 50022, "10.1.1.22", 22), Direction::forward, ssh);
}

app::AppEvent smb_event() {
  app::SmbEvent smb;
  smb.id = 3;
  smb.dialect = "3.11";
  smb.command = "SMB2_COMMAND_READ";
  smb.status = "STATUS_SUCCESS";
  smb.status_code = 0;
  smb.session_id = 17592186044421;
  smb.tree_id = 5;
  smb.share = R"(\\fileserver\data)";
  smb.filename = R"(docs\report.docx)";
  return event(identity(46, 6, "10.1.1.5", 50445, "10.1.1.45", 445), Direction::backward, smb);
}

app::AppEvent quic_event() {
  app::QuicEvent quic;
  quic.version = "1";
  quic.sni = "www.google.com";
  quic.ua = "Chrome/120.0.6099.129 Windows NT 10.0; Win64; x64";
  quic.ja3 = app::Fingerprint{"5875e0bc7e387fcf6ab4790f1dbb9f63",
                              "771,4865-4866-4867,0-10-13-16-43-45-51-57,29-23-24,0"};
  quic.ja4 = "q13d0312h3_55b375c5d22e_06cda9e17597";
  return event(identity(47, 17, "2001:db8::5", 60443, "2001:db8:1::7", 443), Direction::forward,
               quic);
}

constexpr const char* kTimestamp = R"({"timestamp":"2023-11-14T22:13:20.123456+0000",)";

TEST(EveAppEvent, DnsResponseIsVersion3FromTheServer) {
  EXPECT_EQ(eve_line(dns_event()),
            std::string(kTimestamp) +
                R"("flow_id":42,"pcap_filename":"capture.pcap","event_type":"dns",)"
                R"("src_ip":"192.0.2.53","src_port":53,"dest_ip":"192.0.2.10",)"
                R"("dest_port":53000,"proto":"UDP",)"
                R"("community_id":"1:8t1I3J4pbPQwODkTU0vQXxbV2kM=",)"
                R"("dns":{"version":3,"type":"response","id":6699,"flags":"8580","qr":true,)"
                R"("aa":true,"rd":true,"ra":true,"opcode":0,"rcode":"NOERROR",)"
                R"("queries":[{"rrname":"www.example.com","rrtype":"A"}],)"
                R"("answers":[{"rrname":"www.example.com","rrtype":"CNAME","ttl":3600,)"
                R"("rdata":"example.com"},{"rrname":"example.com","rrtype":"A","ttl":300,)"
                R"("rdata":"93.184.216.34"}],)"
                R"("authorities":[{"rrname":"example.com","rrtype":"SOA","ttl":3600}]}})"
                "\n");
}

TEST(EveAppEvent, HttpTransaction) {
  EXPECT_EQ(eve_line(http_event()),
            std::string(kTimestamp) +
                R"("flow_id":43,"pcap_filename":"capture.pcap","event_type":"http",)"
                R"("vlan":[100,200],"src_ip":"192.0.2.10","src_port":49152,)"
                R"("dest_ip":"198.51.100.20","dest_port":80,"proto":"TCP",)"
                R"("community_id":"1:1m1W/WLkzBYWJoj/5SpV8lAVCaE=",)"
                R"("http":{"hostname":"www.example.com","url":"/index.html?q=1",)"
                R"("http_user_agent":"curl/8.5.0",)"
                R"("http_content_type":"text/html; charset=UTF-8","http_method":"GET",)"
                R"("protocol":"HTTP/1.1","status":200,"length":1256}})"
                "\n");
}

TEST(EveAppEvent, TlsHandshake) {
  EXPECT_EQ(eve_line(tls_event()),
            std::string(kTimestamp) +
                R"("flow_id":44,"event_type":"tls","src_ip":"10.1.1.5","src_port":51000,)"
                R"("dest_ip":"203.0.113.7","dest_port":443,"proto":"TCP",)"
                R"("community_id":"1:SIjrMbiZBGW0w+A2fPTcgSpG1CA=",)"
                R"("tunnel":{"type":"vxlan","depth":1,"id":4242},)"
                R"("tls":{"subject":"C=US, O=Example Inc, CN=www.example.com",)"
                R"("issuerdn":"C=US, O=DigiCert Inc, CN=DigiCert Global G2 TLS RSA SHA256 )"
                R"(2020 CA1","serial":"0F:BE:08:B0:85:4D:05:73",)"
                R"("fingerprint":"31:0d:b7:af:4b:2b:c9:04:0c:83:44:70:1a:ca:08:d0:c6:93:81:e3",)"
                R"("sni":"www.example.com","version":"TLS 1.2",)"
                R"("notbefore":"2024-01-30T00:00:00","notafter":"2025-03-01T23:59:59",)"
                R"("ja3":{"hash":"d36a7cb39c3050c9fbd01029ae20ca01",)"
                R"("string":"771,49195-49199,0-23-65281-10-11-35-16-5-13,29-23-24,0"},)"
                R"("ja3s":{"hash":"47decf033ac4c8fc9b952ff41e549679",)"
                R"("string":"771,49199,65281-0-11-35-16"},)"
                R"("ja4":"t12d0210h2_0c5a4e3ff4b4_1c7fbe1fd1f2",)"
                R"("client_alpns":["h2","http/1.1"],"server_alpns":["h2"]}})"
                "\n");
}

TEST(EveAppEvent, SshBanners) {
  EXPECT_EQ(eve_line(ssh_event()),
            std::string(kTimestamp) +
                R"("flow_id":45,"pcap_filename":"capture.pcap","event_type":"ssh",)"
                R"("src_ip":"10.1.1.5","src_port":50022,"dest_ip":"10.1.1.22","dest_port":22,)"
                R"("proto":"TCP","community_id":"1:Gswpn9uQd4X2ejSkAltYgOIpA5A=",)"
                R"("ssh":{"client":{"proto_version":"2.0",)"
                R"("software_version":"OpenSSH_9.6p1 Ubuntu-3ubuntu13",)"
                R"("hassh":{"hash":"851c4b170cb2c58db10b0489a5047d51",)"
                R"("string":"curve25519-sha256,ecdh-sha2-nistp256;)"
                R"(chacha20-poly1305@openssh.com,aes128-ctr;hmac-sha2-256;none"}},)"
                R"("server":{"proto_version":"2.0","software_version":"OpenSSH_8.9p1"}}})"
                "\n");
}

TEST(EveAppEvent, SmbTransaction) {
  EXPECT_EQ(eve_line(smb_event()),
            std::string(kTimestamp) +
                R"("flow_id":46,"pcap_filename":"capture.pcap","event_type":"smb",)"
                R"("src_ip":"10.1.1.5","src_port":50445,"dest_ip":"10.1.1.45",)"
                R"("dest_port":445,"proto":"TCP",)"
                R"("community_id":"1:Z+F+DsusqN8UaEpidJCHgrGRlJw=",)"
                R"("smb":{"id":3,"dialect":"3.11","command":"SMB2_COMMAND_READ",)"
                R"("status":"STATUS_SUCCESS","status_code":"0x0",)"
                R"("session_id":17592186044421,"tree_id":5,)"
                R"("filename":"docs\\report.docx","share":"\\\\fileserver\\data"}})"
                "\n");
}

TEST(EveAppEvent, QuicHandshake) {
  EXPECT_EQ(eve_line(quic_event()),
            std::string(kTimestamp) +
                R"("flow_id":47,"pcap_filename":"capture.pcap","event_type":"quic",)"
                R"("src_ip":"2001:db8::5","src_port":60443,"dest_ip":"2001:db8:1::7",)"
                R"("dest_port":443,"proto":"UDP",)"
                R"("community_id":"1:HDlcEiWCtlIqbtsyx8Pl1PfSLsQ=",)"
                R"("quic":{"version":"1","sni":"www.google.com",)"
                R"("ua":"Chrome/120.0.6099.129 Windows NT 10.0; Win64; x64",)"
                R"("ja3":{"hash":"5875e0bc7e387fcf6ab4790f1dbb9f63",)"
                R"("string":"771,4865-4866-4867,0-10-13-16-43-45-51-57,29-23-24,0"},)"
                R"("ja4":"q13d0312h3_55b375c5d22e_06cda9e17597"}})"
                "\n");
}

// The body of an event's line, as text.
std::string body_of(const app::AppEvent& event) {
  const std::string line = eve_line(event);
  const std::string key = std::string(",\"") + app::event_type_of(event.body) + "\":";
  const std::size_t at = line.rfind(key);
  EXPECT_NE(at, std::string::npos) << line;
  return line.substr(at + key.size(), line.size() - at - key.size() - 2);  // without "}\n"
}

TEST(EveAppEvent, DnsFlagsAreSuricatasHexAndBooleans) {
  app::DnsEvent request;
  request.id = 7;
  request.flags = 0x0100;
  request.queries = {{"", "NS"}};  // the root
  EXPECT_EQ(body_of(event(kDnsFlow, Direction::forward, request)),
            R"({"version":3,"type":"request","id":7,"flags":"100","rd":true,"opcode":0,)"
            R"("queries":[{"rrname":"","rrtype":"NS"}]})");
  request.flags = 0x0340;  // tc, rd and the reserved z bit
  request.opcode = 2;
  request.queries.clear();
  EXPECT_EQ(body_of(event(kDnsFlow, Direction::forward, request)),
            R"({"version":3,"type":"request","id":7,"flags":"340","tc":true,"rd":true,)"
            R"("z":true,"opcode":2})");
  request.flags = 0;
  EXPECT_EQ(body_of(event(kDnsFlow, Direction::forward, request)),
            R"({"version":3,"type":"request","id":7,"flags":"0","opcode":2})");
}

TEST(EveAppEvent, AbsentValuesAreLeftOut) {
  const flow::FlowIdentity flow = identity(9, 6, "10.0.0.1", 1000, "10.0.0.2", 445);
  EXPECT_EQ(body_of(event(flow, Direction::forward, app::HttpEvent{})), "{}");
  EXPECT_EQ(body_of(event(flow, Direction::forward, app::TlsEvent{})), "{}");
  EXPECT_EQ(body_of(event(flow, Direction::forward, app::QuicEvent{})), "{}");
  EXPECT_EQ(body_of(event(flow, Direction::forward, app::SshEvent{})), "{}");
  app::SshEvent server_only;
  server_only.server.software_version = "dropbear";
  EXPECT_EQ(body_of(event(flow, Direction::forward, server_only)),
            R"({"server":{"software_version":"dropbear"}})");
  app::SmbEvent denied;
  denied.id = 1;
  denied.status_code = 0xc0000022;
  EXPECT_EQ(body_of(event(flow, Direction::backward, denied)),
            R"({"id":1,"status_code":"0xc0000022"})");
  app::HttpEvent no_body;
  no_body.status = 204;
  no_body.length = 0;  // known to be zero: written
  EXPECT_EQ(body_of(event(flow, Direction::backward, no_body)), R"({"status":204,"length":0})");
}

TEST(EveAppEvent, DnsMessagesAreWrittenFromTheirSender) {
  const auto endpoints = [](const app::AppEvent& event) {
    const nlohmann::json j = nlohmann::json::parse(eve_line(event));
    return j["src_ip"].get<std::string>() + ":" + std::to_string(j["src_port"].get<int>()) +
           " > " + j["dest_ip"].get<std::string>() + ":" +
           std::to_string(j["dest_port"].get<int>());
  };
  app::DnsEvent request;
  request.queries = {{"example.com", "A"}};
  EXPECT_EQ(endpoints(event(kDnsFlow, Direction::forward, request)),
            "192.0.2.10:53000 > 192.0.2.53:53");
  EXPECT_EQ(endpoints(event(kDnsFlow, Direction::backward, dns_response())),
            "192.0.2.53:53 > 192.0.2.10:53000");
  // A flow seen first from the server (its answer), then the client's retry.
  const flow::FlowIdentity turned = identity(42, 17, "192.0.2.53", 53, "192.0.2.10", 53000);
  EXPECT_EQ(endpoints(event(turned, Direction::backward, request)),
            "192.0.2.10:53000 > 192.0.2.53:53");
  // Other protocols keep the flow's orientation, whichever side completed them.
  EXPECT_EQ(endpoints(event(kDnsFlow, Direction::backward, app::HttpEvent{})),
            "192.0.2.10:53000 > 192.0.2.53:53");
  // The flow's identity is the same both ways.
  const nlohmann::json a = nlohmann::json::parse(eve_line(dns_event()));
  const nlohmann::json b = nlohmann::json::parse(eve_line(event(kDnsFlow, Direction::forward,
                                                                request)));
  EXPECT_EQ(a["flow_id"], b["flow_id"]);
  EXPECT_EQ(a["community_id"], b["community_id"]);

  const pb::Event swapped = encode(dns_event());
  EXPECT_EQ(swapped.src_ip(), "192.0.2.53");
  EXPECT_EQ(swapped.src_port(), 53u);
  EXPECT_EQ(swapped.dest_ip(), "192.0.2.10");
  EXPECT_EQ(swapped.dest_port(), 53000u);
}

TEST(EveAppEvent, WireTextIsEscaped) {
  app::HttpEvent http;
  http.url = "/q\"b\\c\x01\xff?\xc3\xa9";  // quote, backslash, control, not UTF-8, é
  http.hostname = "host\r\nX-Injected: 1";
  const app::AppEvent http_line = event(kDnsFlow, Direction::forward, http);
  EXPECT_EQ(body_of(http_line),
            R"({"hostname":"host\r\nX-Injected: 1","url":"/q\"b\\c\u0001\ufffd?)"
            "\xc3\xa9\"}");

  app::DnsEvent dns;
  dns.queries = {{"a\"b\\c\t\xc3(.example", "A"}};  // a lone lead byte
  dns.answers = {{"x.example", "TXT", 60, "v=\xed\xa0\x80\"1\""}};  // a surrogate
  const app::AppEvent dns_line = event(kDnsFlow, Direction::forward, dns);
  EXPECT_EQ(body_of(dns_line),
            R"({"version":3,"type":"request","id":0,"flags":"0","opcode":0,)"
            R"("queries":[{"rrname":"a\"b\\c\t\ufffd(.example","rrtype":"A"}],)"
            R"("answers":[{"rrname":"x.example","rrtype":"TXT","ttl":60,)"
            R"("rdata":"v=\ufffd\ufffd\ufffd\"1\""}]})");

  // Valid JSON that decodes to the text, each invalid byte as U+FFFD.
  const nlohmann::json j = nlohmann::json::parse(eve_line(http_line));
  EXPECT_EQ(j["http"]["url"], "/q\"b\\c\x01\xef\xbf\xbd?\xc3\xa9");
  EXPECT_EQ(nlohmann::json::parse(eve_line(dns_line))["dns"]["queries"][0]["rrname"],
            "a\"b\\c\t\xef\xbf\xbd(.example");
  // The protobuf fields keep the raw bytes; the printer escapes them alike.
  const pb::Event http_message = encode(http_line);
  EXPECT_EQ(http_message.http().url(), http.url);
  EXPECT_EQ(printed(http_message), eve_line(http_line));
  EXPECT_EQ(printed(encode(dns_line)), eve_line(dns_line));
}

std::vector<app::AppEvent> one_of_each_type() {
  return {dns_event(), http_event(), tls_event(), ssh_event(), smb_event(), quic_event()};
}

TEST(EveAppEvent, EveryLineIsOneValidJsonObject) {
  for (const app::AppEvent& e : one_of_each_type()) {
    const std::string line = eve_line(e);
    ASSERT_EQ(line.find('\n'), line.size() - 1) << line;
    const nlohmann::json j = nlohmann::json::parse(line);
    EXPECT_EQ(j["event_type"], app::event_type_of(e.body));
    EXPECT_TRUE(j[app::event_type_of(e.body)].is_object()) << line;
  }
}

TEST(ProtobufEncoder, AppEventsPrintAsTheEveLinesByteForByte) {
  for (const app::AppEvent& e : one_of_each_type()) {
    const pb::Event message = encode(e);
    EXPECT_EQ(message.event_type(), app::event_type_of(e.body));
    EXPECT_EQ(printed(message), eve_line(e));
    expect_same(nlohmann::json::parse(eve_line(e)), message, message.event_type());
  }
}

TEST(ProtobufEncoder, AppEventsAndFlowsShareTheReusedEvent) {
  flow::FlowRecord record;
  record.flow_id = 43;
  record.protocol = 6;
  record.src_ip = testing::ip("192.0.2.10");
  record.dst_ip = testing::ip("198.51.100.20");
  record.src_port = 49153;
  record.dst_port = 80;
  record.start = kTime;
  record.end = kTime + 1'000'000;
  ProtobufEncoder encoder(kInputs, flow::FeatureProfile::dataset);
  EventBatch batch;
  encoder.append_app_event(tls_event(), batch);
  encoder.append_flow(record, batch);
  encoder.append_app_event(dns_event(), batch);
  encoder.append_app_event(http_event(), batch);
  ASSERT_EQ(batch.protobuf_ends.size(), 4u);
  const EveWriter eve(kInputs);
  TextBuffer expected[4];
  eve.append_app_event(tls_event(), expected[0]);
  eve.append_flow(record, expected[1]);
  eve.append_app_event(dns_event(), expected[2]);
  eve.append_app_event(http_event(), expected[3]);
  EXPECT_NE(expected[1].view().find(R"("community_id":"1:K/vWYpbvs3eKc/YYIizFkPrumQU=")"),
            std::string_view::npos);
  for (std::size_t i = 0; i < 4; ++i) {
    pb::Event message;
    ASSERT_TRUE(message.ParseFromString(std::string(batch.protobuf_message(i))));
    EXPECT_EQ(printed(message), std::string(expected[i].view())) << i;
  }
}

TEST(ProtobufJson, AppProtoIsPrintedRightAfterProto) {
  pb::Event message;
  message.set_timestamp("t");
  message.set_event_type("flow");
  message.set_proto("TCP");
  message.set_app_proto("http");
  message.set_community_id("1:x");
  EXPECT_EQ(printed(message),
            R"({"timestamp":"t","event_type":"flow","proto":"TCP","app_proto":"http",)"
            R"("community_id":"1:x"})"
            "\n");
}

}  // namespace
}  // namespace mld::output
