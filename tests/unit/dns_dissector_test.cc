// The DNS dissector on real captures (expected values read with tshark 4.0
// and checked against nDPI's result files) and on hostile messages built
// here: pointer loops, over-long names, lying counts and lengths.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/dns.h"
#include "app/dns_message.h"
#include "app/dns_name.h"
#include "dissector_test_support.h"

namespace mld::app {
namespace {

using test::Chunking;
using test::RecordingOut;

// The events of the conversation on `port` of one of nDPI's captures.
std::vector<DnsEvent> dissect(const std::string& capture, std::uint16_t port, Transport transport,
                              AppCounters& counters, std::string* host = nullptr,
                              Chunking chunking = Chunking::as_captured) {
  auto dissector = make_dns_dissector(transport, counters);
  RecordingOut out;
  test::feed(*dissector, test::conversation_on_port(test::ndpi_capture(capture), port), out,
             chunking);
  if (host != nullptr) *host = std::string(dissector->host());
  return out.bodies<DnsEvent>();
}

// ---- Builder for hand-made messages ----

class Message {
 public:
  // Header: id 0x1234, `flags`, the section counts, no additional records.
  Message(std::uint16_t flags, std::uint16_t questions, std::uint16_t answers,
          std::uint16_t authorities = 0) {
    u16(0x1234).u16(flags).u16(questions).u16(answers).u16(authorities).u16(0);
  }
  Message& u8(std::uint8_t v) {
    bytes_.push_back(v);
    return *this;
  }
  Message& u16(std::uint16_t v) { return u8(static_cast<std::uint8_t>(v >> 8)).u8(v & 0xff); }
  Message& u32(std::uint32_t v) { return u16(static_cast<std::uint16_t>(v >> 16)).u16(v & 0xffff); }
  Message& raw(const std::string& s) {
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    return *this;
  }
  Message& label(const std::string& s) { return u8(static_cast<std::uint8_t>(s.size())).raw(s); }
  Message& name(const std::vector<std::string>& labels) {
    for (const std::string& l : labels) label(l);
    return u8(0);
  }
  Message& pointer(std::uint16_t offset) { return u16(0xc000 | offset); }
  Message& question(std::uint16_t type = 1) { return u16(type).u16(1); }
  // Type, class IN, TTL, then `rdata` with its length.
  Message& record(std::uint16_t type, std::uint32_t ttl, const std::string& rdata) {
    u16(type).u16(1).u32(ttl).u16(static_cast<std::uint16_t>(rdata.size()));
    return raw(rdata);
  }
  std::size_t size() const { return bytes_.size(); }
  Bytes bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

constexpr std::size_t kQuestionName = 12;  // where the first question's name starts

struct Parsed {
  dns::ParseResult result;
  DnsEvent event;
};

Parsed parse(const Message& message, AppCounters& counters) {
  Parsed p;
  p.result = dns::parse_dns_message(message.bytes(), p.event, counters);
  return p;
}

// ---- Real captures ----

TEST(DnsCaptures, RequestAndResponseOverUdp) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  std::string host;
  // dns.pcap frames 4-5: e7.whatsapp.net A, answered with 8 addresses.
  const auto events = dissect("dns.pcap", 47255, Transport::udp, counters, &host);
  ASSERT_EQ(events.size(), 2u);
  const DnsEvent& request = events[0];
  EXPECT_FALSE(request.response);
  EXPECT_EQ(request.id, 0x7843);
  EXPECT_EQ(request.flags, 0x0100);
  EXPECT_EQ(request.rcode, "");
  ASSERT_EQ(request.queries.size(), 1u);
  EXPECT_EQ(request.queries[0].rrname, "e7.whatsapp.net");
  EXPECT_EQ(request.queries[0].rrtype, "A");
  EXPECT_TRUE(request.answers.empty());

  const DnsEvent& response = events[1];
  EXPECT_TRUE(response.response);
  EXPECT_EQ(response.id, 0x7843);
  EXPECT_EQ(response.flags, 0x8180);
  EXPECT_EQ(response.opcode, 0);
  EXPECT_EQ(response.rcode, "NOERROR");
  const std::vector<std::string> addresses{"169.45.219.235",  "169.47.40.142",  "169.45.248.121",
                                           "108.168.176.234", "169.45.248.189", "169.45.248.180",
                                           "169.53.81.79",    "169.45.219.232"};
  ASSERT_EQ(response.answers.size(), addresses.size());
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    EXPECT_EQ(response.answers[i].rrname, "e7.whatsapp.net");
    EXPECT_EQ(response.answers[i].rrtype, "A");
    EXPECT_EQ(response.answers[i].ttl, 491u);
    EXPECT_EQ(response.answers[i].rdata, addresses[i]);
  }
  EXPECT_EQ(host, "e7.whatsapp.net");
  EXPECT_EQ(counters.dns_malformed.get(), 0u);
}

TEST(DnsCaptures, ResponseWithoutRequestAndEmptyAnswer) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  // dns.pcap frames 1-3 share port 32795: a lone response, then www.example.com AAAA with no
  // answer.
  const auto events = dissect("dns.pcap", 32795, Transport::udp, counters);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_TRUE(events[0].response);
  EXPECT_EQ(events[0].id, 0xdca2);
  EXPECT_EQ(events[0].queries.at(0).rrname, "www.l.google.com");
  EXPECT_EQ(events[0].queries.at(0).rrtype, "AAAA");
  EXPECT_EQ(events[2].id, 0xbc1f);
  EXPECT_EQ(events[2].queries.at(0).rrname, "www.example.com");
  EXPECT_TRUE(events[2].answers.empty());
}

TEST(DnsCaptures, LabelBytesStayRaw) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto events = dissect("dns-invalid-chars.pcap", 35980, Transport::udp, counters);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].queries.at(0).rrname, std::string("www.allyourba\4\5\6arebelongto.cn"));
  const DnsAnswer& answer = events[1].answers.at(0);
  EXPECT_EQ(answer.rrname, std::string("www.allyourbasesare\1\2\3ongto.cn"));
  EXPECT_EQ(answer.rdata, "19.185.141.241");
  EXPECT_EQ(answer.ttl, 60u);
  EXPECT_EQ(counters.dns_bad_names.get(), 0u);
}

TEST(DnsCaptures, NxdomainWithSoaAuthority) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto events = dissect("dns_long_domainname.pcap", 65311, Transport::udp, counters);
  ASSERT_EQ(events.size(), 2u);
  const DnsEvent& response = events[1];
  EXPECT_EQ(response.flags, 0x8183);
  EXPECT_EQ(response.rcode, "NXDOMAIN");
  EXPECT_EQ(response.queries.at(0).rrname, "gmr02c.16.0.fhkfhsdkfhsk.tunnel.example.com");
  EXPECT_TRUE(response.answers.empty());
  ASSERT_EQ(response.authorities.size(), 1u);
  EXPECT_EQ(response.authorities[0].rrname, "example.com");
  EXPECT_EQ(response.authorities[0].rrtype, "SOA");
  EXPECT_EQ(response.authorities[0].ttl, 1475u);
  EXPECT_EQ(response.authorities[0].rdata, "ns.icann.org");
}

TEST(DnsCaptures, AaaaAnswersAndNsAuthorities) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  // dns_fragmented.pcap frames 20-21.
  const auto events = dissect("dns_fragmented.pcap", 47634, Transport::udp, counters);
  ASSERT_EQ(events.size(), 2u);
  const DnsEvent& response = events[1];
  EXPECT_EQ(response.flags, 0x8500);
  ASSERT_EQ(response.answers.size(), 1u);
  EXPECT_EQ(response.answers[0].rrname, "fg2-mgmt.weberlab.de");
  EXPECT_EQ(response.answers[0].rrtype, "AAAA");
  EXPECT_EQ(response.answers[0].rdata, "2001:470:1f0b:16b0::1");
  ASSERT_EQ(response.authorities.size(), 2u);
  EXPECT_EQ(response.authorities[0].rrname, "weberlab.de");
  EXPECT_EQ(response.authorities[0].rrtype, "NS");
  EXPECT_EQ(response.authorities[0].rdata, "ns1.weberdns.de");
  EXPECT_EQ(response.authorities[1].rdata, "ns2.weberdns.de");
  EXPECT_EQ(counters.dns_malformed.get(), 0u);
}

TEST(DnsCaptures, InverseQueryWithEmptyRecordData) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto events = dissect("dns_invert_query.pcapng", 18427, Transport::udp, counters);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].opcode, 1);  // IQUERY
  EXPECT_TRUE(events[0].queries.empty());
  ASSERT_EQ(events[0].answers.size(), 1u);
  EXPECT_EQ(events[0].answers[0].rrname, "216.58.202.4");
  EXPECT_EQ(events[0].answers[0].rrtype, "A");
  EXPECT_EQ(events[0].answers[0].rdata, "");
  EXPECT_EQ(events[1].flags, 0x8984);
  EXPECT_EQ(events[1].rcode, "NOTIMP");
  EXPECT_EQ(counters.dns_malformed.get(), 0u);
}

TEST(DnsCaptures, MxTxtCnameOfATunnel) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto events = dissect("bad-dns-traffic.pcap", 35966, Transport::udp, counters);
  // Frames 1-19 on port 35966: frame 3 answers MX, frame 5 TXT, frame 9 CNAME.
  ASSERT_GE(events.size(), 9u);
  const DnsAnswer& mx = events[2].answers.at(0);
  EXPECT_EQ(mx.rrtype, "MX");
  EXPECT_EQ(mx.rrname, "958700a621c3620001636f6e736f6c65202873697276696d65732900.skullseclabs.org");
  EXPECT_EQ(mx.rdata, "634f00a621010a0000.skullseclabs.org");
  const DnsAnswer& txt = events[4].answers.at(0);
  EXPECT_EQ(txt.rrtype, "TXT");
  EXPECT_EQ(txt.rdata, "96b201a621010ac362");
  const DnsAnswer& cname = events[8].answers.at(0);
  EXPECT_EQ(cname.rrtype, "CNAME");
  EXPECT_EQ(cname.rdata, "0e3d01a621010ac362.skullseclabs.org");
}

TEST(DnsCaptures, WholeTunnelCaptureMatchesTshark) {
  MLD_REQUIRE_SHARED_DATA();
  // tshark: 382 messages, 220 queries, 162 responses, 159 answers, 3 SERVFAIL.
  AppCounters counters;
  std::size_t requests = 0, responses = 0, answers = 0, servfail = 0;
  for (const std::uint16_t port : {35966, 46961, 56354}) {
    for (const DnsEvent& e : dissect("bad-dns-traffic.pcap", port, Transport::udp, counters)) {
      (e.response ? responses : requests) += 1;
      answers += e.answers.size();
      servfail += e.rcode == "SERVFAIL";
      ASSERT_EQ(e.queries.size(), 1u);
      EXPECT_TRUE(e.queries[0].rrname.ends_with(".skullseclabs.org")) << e.queries[0].rrname;
    }
  }
  EXPECT_EQ(requests, 220u);
  EXPECT_EQ(responses, 162u);
  EXPECT_EQ(answers, 159u);
  EXPECT_EQ(servfail, 3u);
  EXPECT_EQ(counters.dns_malformed.get(), 0u);
  EXPECT_EQ(counters.dns_bad_names.get(), 0u);
}

TEST(DnsCaptures, OverlongCompressedNamesAreCountedAndTheRestParses) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  // The responses carry a second question and a CNAME whose names tshark
  // reports as "<Name too long>"; the rest of each message is sound.
  const auto events = dissect("malformed_dns.pcap", 50435, Transport::udp, counters);
  ASSERT_EQ(events.size(), 6u);
  const DnsEvent& response = events[1];
  ASSERT_EQ(response.queries.size(), 2u);
  EXPECT_EQ(response.queries[0].rrname, "www.xt.com");
  EXPECT_EQ(response.queries[1].rrtype, "A");
  EXPECT_LE(response.queries[1].rrname.size(), dns::kMaxNameWireBytes);
  ASSERT_EQ(response.answers.size(), 2u);
  EXPECT_EQ(response.answers[0].rrname, "www.xt.com");
  EXPECT_EQ(response.answers[0].rdata, "66.66.66.66");
  EXPECT_EQ(response.answers[0].ttl, 0u);
  EXPECT_EQ(response.answers[1].rrname, "www.xt.com");
  EXPECT_EQ(response.answers[1].rrtype, "CNAME");
  EXPECT_LE(response.answers[1].rdata.size(), dns::kMaxNameWireBytes);
  EXPECT_EQ(counters.dns_bad_names.get(), 8u);  // two per response, four responses
}

TEST(DnsCaptures, TcpMessagesWholeAndByteByByte) {
  MLD_REQUIRE_SHARED_DATA();
  for (const Chunking chunking : {Chunking::as_captured, Chunking::byte_by_byte}) {
    AppCounters counters;
    std::string host;
    // dns_fragmented.pcap frames 45-56: weberlab.de DNSKEY over TCP.
    const auto events =
        dissect("dns_fragmented.pcap", 57089, Transport::tcp, counters, &host, chunking);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].id, 0x80e4);
    EXPECT_EQ(events[0].flags, 0x0120);
    EXPECT_EQ(events[0].queries.at(0).rrname, "weberlab.de");
    EXPECT_EQ(events[0].queries.at(0).rrtype, "DNSKEY");
    const DnsEvent& response = events[1];
    EXPECT_EQ(response.flags, 0x8500);
    const std::vector<std::string> types{"DNSKEY", "DNSKEY", "RRSIG", "RRSIG"};
    ASSERT_EQ(response.answers.size(), types.size());
    for (std::size_t i = 0; i < types.size(); ++i) {
      EXPECT_EQ(response.answers[i].rrtype, types[i]);
      EXPECT_EQ(response.answers[i].ttl, 60u);
      EXPECT_EQ(response.answers[i].rdata, "");
    }
    EXPECT_EQ(host, "weberlab.de");
    EXPECT_EQ(counters.dns_malformed.get(), 0u);
  }
}

TEST(DnsCaptures, FirstIpFragmentOfALargeResponseGivesAPartialEvent) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  // Frames 1-3: the 1702-byte answer to weberlab.de DNSKEY lost its second
  // IP fragment; the first still holds the header and the question.
  const auto events = dissect("dns_fragmented.pcap", 56680, Transport::udp, counters);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].id, 0xd43f);
  EXPECT_EQ(events[1].flags, 0x8410);
  EXPECT_EQ(events[1].queries.at(0).rrname, "weberlab.de");
  EXPECT_LT(events[1].answers.size(), 4u);
  EXPECT_EQ(counters.dns_malformed.get(), 1u);
}

// ---- Hostile messages ----

TEST(DnsNames, PointerToItselfIsCutByTheHopLimit) {
  Message m(0x0100, 1, 0);
  m.pointer(kQuestionName).question();
  AppCounters counters;
  const Parsed p = parse(m, counters);
  EXPECT_EQ(p.result, dns::ParseResult::complete);
  ASSERT_EQ(p.event.queries.size(), 1u);
  EXPECT_EQ(p.event.queries[0].rrname, "");
  EXPECT_EQ(p.event.queries[0].rrtype, "A");
  EXPECT_EQ(counters.dns_bad_names.get(), 1u);
}

TEST(DnsNames, LoopThroughLabelsStopsWithinTheNameLimit) {
  Message m(0x0100, 1, 0);
  m.label("a").pointer(kQuestionName).question(28);
  AppCounters counters;
  const Parsed p = parse(m, counters);
  ASSERT_EQ(p.event.queries.size(), 1u);
  EXPECT_TRUE(p.event.queries[0].rrname.starts_with("a.a.a."));
  EXPECT_LE(p.event.queries[0].rrname.size(), dns::kMaxNameWireBytes);
  EXPECT_EQ(p.event.queries[0].rrtype, "AAAA");
  EXPECT_EQ(counters.dns_bad_names.get(), 1u);
}

TEST(DnsNames, NameOfExactly255BytesIsAcceptedAndOneMoreIsNot) {
  const std::string l63(63, 'x');
  Message fits(0x0100, 1, 0);
  fits.name({l63, l63, l63, std::string(61, 'y')}).question();  // 3*64 + 62 + 1 = 255
  AppCounters ok_counters;
  const Parsed ok = parse(fits, ok_counters);
  EXPECT_EQ(ok_counters.dns_bad_names.get(), 0u);
  EXPECT_EQ(ok.event.queries.at(0).rrname.size(), 63u * 3 + 61 + 3);

  Message over(0x0100, 1, 0);
  over.name({l63, l63, l63, std::string(62, 'y')}).question(16);
  AppCounters bad_counters;
  const Parsed bad = parse(over, bad_counters);
  EXPECT_EQ(bad.result, dns::ParseResult::complete);  // its end is known: the rest parses
  EXPECT_EQ(bad_counters.dns_bad_names.get(), 1u);
  EXPECT_EQ(bad.event.queries.at(0).rrname, l63 + "." + l63 + "." + l63);
  EXPECT_EQ(bad.event.queries.at(0).rrtype, "TXT");
}

TEST(DnsNames, PointerPastTheMessageIsABadName) {
  Message m(0x0100, 1, 0);
  m.label("www").pointer(0x3fff).question();
  AppCounters counters;
  const Parsed p = parse(m, counters);
  EXPECT_EQ(p.event.queries.at(0).rrname, "www");
  EXPECT_EQ(counters.dns_bad_names.get(), 1u);
  EXPECT_EQ(counters.dns_malformed.get(), 0u);
}

TEST(DnsNames, ReservedLabelTypeEndsTheMessage) {
  Message m(0x0100, 1, 0);
  m.u8(0x41).raw("binary-label").u8(0).question();
  AppCounters counters;
  const Parsed p = parse(m, counters);
  EXPECT_EQ(p.result, dns::ParseResult::partial);
  EXPECT_TRUE(p.event.queries.empty());
  EXPECT_EQ(p.event.id, 0x1234);
  EXPECT_EQ(counters.dns_malformed.get(), 1u);
}

TEST(DnsNames, InvalidUtf8AndDotsInsideLabelsAreKeptRaw) {
  Message m(0x0100, 1, 0);
  m.name({std::string("\xff\xfe\0", 3), "a.b"}).question(0xff00);
  AppCounters counters;
  const Parsed p = parse(m, counters);
  EXPECT_EQ(p.event.queries.at(0).rrname, std::string("\xff\xfe\0.a.b", 7));
  EXPECT_EQ(p.event.queries.at(0).rrtype, "65280");
  EXPECT_EQ(counters.dns_bad_names.get(), 0u);
}

TEST(DnsMessages, ShorterThanAHeaderIsNoEvent) {
  AppCounters counters;
  RecordingOut out;
  auto dissector = make_dns_dissector(Transport::udp, counters);
  const std::vector<std::uint8_t> garbage{0x12, 0x34, 0x01};
  dissector->on_data(flow::Direction::forward, 1, garbage, out);
  EXPECT_TRUE(out.events.empty());
  EXPECT_EQ(counters.dns_malformed.get(), 1u);
  EXPECT_TRUE(dissector->wants_more());
}

TEST(DnsMessages, CountsThatLieGiveAPartialEvent) {
  Message m(0x8183, 40000, 40000, 40000);
  m.name({"example", "com"}).question();
  AppCounters counters;
  const Parsed p = parse(m, counters);
  EXPECT_EQ(p.result, dns::ParseResult::partial);
  EXPECT_TRUE(p.event.response);
  EXPECT_EQ(p.event.rcode, "NXDOMAIN");
  ASSERT_EQ(p.event.queries.size(), 1u);
  EXPECT_EQ(p.event.queries[0].rrname, "example.com");
  EXPECT_EQ(counters.dns_malformed.get(), 1u);
}

TEST(DnsMessages, EntriesOverTheLimitAreCountedAsTruncation) {
  Message m(0x8000, 100, 0);
  for (int i = 0; i < 100; ++i) m.name({"q" + std::to_string(i)}).question();
  AppCounters counters;
  const Parsed p = parse(m, counters);
  EXPECT_EQ(p.result, dns::ParseResult::complete);
  ASSERT_EQ(p.event.queries.size(), dns::kMaxRecordsPerSection);
  EXPECT_EQ(p.event.queries.back().rrname, "q63");
  EXPECT_EQ(counters.events_truncated.get(), 1u);
}

TEST(DnsMessages, AnswersOverTheLimitStillLeadToTheAuthorities) {
  Message m(0x8000, 0, 70, 1);
  for (int i = 0; i < 70; ++i) m.name({"a"}).record(1, 5, std::string("\x0a\x00\x00\x01", 4));
  m.name({"zone"}).record(2, 7, std::string("\x02ns\x00", 4));
  AppCounters counters;
  const Parsed p = parse(m, counters);
  EXPECT_EQ(p.result, dns::ParseResult::complete);
  EXPECT_EQ(p.event.answers.size(), dns::kMaxRecordsPerSection);
  EXPECT_EQ(p.event.answers[0].rdata, "10.0.0.1");
  ASSERT_EQ(p.event.authorities.size(), 1u);
  EXPECT_EQ(p.event.authorities[0].rdata, "ns");
  EXPECT_EQ(p.event.authorities[0].ttl, 7u);
}

TEST(DnsMessages, RecordDataThatDoesNotFitItsTypeIsDroppedAlone) {
  Message m(0x8000, 0, 3);
  m.name({"a"}).record(1, 1, "\x01\x02\x03\x04\x05");             // A of 5 bytes
  m.name({"b"}).record(16, 2, std::string("\x09short", 6));       // TXT string overruns
  m.name({"c"}).record(5, 3, std::string("\x03www\xc0\x0c", 6));  // CNAME www.a
  AppCounters counters;
  const Parsed p = parse(m, counters);
  EXPECT_EQ(p.result, dns::ParseResult::partial);
  ASSERT_EQ(p.event.answers.size(), 3u);
  EXPECT_EQ(p.event.answers[0].rdata, "");
  EXPECT_EQ(p.event.answers[1].rdata, "");
  EXPECT_EQ(p.event.answers[2].rdata, "www.a");
  EXPECT_EQ(counters.dns_malformed.get(), 1u);
}

TEST(DnsMessages, RecordLengthPastTheMessageEndsIt) {
  Message m(0x8000, 0, 2);
  m.name({"a"}).record(1, 1, "\x01\x02\x03\x04");
  m.name({"b"}).u16(1).u16(1).u32(1).u16(0xffff).raw("\x01\x02");
  AppCounters counters;
  const Parsed p = parse(m, counters);
  EXPECT_EQ(p.result, dns::ParseResult::partial);
  EXPECT_EQ(p.event.answers.size(), 1u);
}

TEST(DnsMessages, LongTxtIsCutAtTheLimit) {
  std::string rdata;
  for (int i = 0; i < 10; ++i) rdata += '\xff' + std::string(255, static_cast<char>('a' + i));
  Message m(0x8000, 0, 1);
  m.name({"t"}).record(16, 1, rdata);
  AppCounters counters;
  const Parsed p = parse(m, counters);
  EXPECT_EQ(p.result, dns::ParseResult::complete);
  EXPECT_EQ(p.event.answers.at(0).rdata.size(), dns::kMaxRdataTextBytes);
  EXPECT_EQ(p.event.answers.at(0).rdata.substr(0, 3), "aaa");
  EXPECT_EQ(counters.events_truncated.get(), 1u);
}

TEST(DnsMessages, MxSrvAndUnknownTypes) {
  Message m(0x8000, 0, 3);
  m.name({"m"}).record(15, 1, std::string("\x00\x0a\x02mx\x00", 6));
  m.name({"s"}).record(33, 1, std::string("\x00\x01\x00\x02\x01\xbb\x03srv\xc0\x0c", 12));
  m.name({"u"}).record(99, 1, "v=spf1");  // SPF: no rdata text
  AppCounters counters;
  const Parsed p = parse(m, counters);
  EXPECT_EQ(p.result, dns::ParseResult::complete);
  EXPECT_EQ(p.event.answers.at(0).rdata, "mx");
  EXPECT_EQ(p.event.answers.at(1).rdata, "srv.m");
  EXPECT_EQ(p.event.answers.at(2).rrtype, "SPF");
  EXPECT_EQ(p.event.answers.at(2).rdata, "");
}

// ---- TCP framing ----

std::vector<std::uint8_t> framed(const Message& m) {
  std::vector<std::uint8_t> out{static_cast<std::uint8_t>(m.size() >> 8),
                                static_cast<std::uint8_t>(m.size() & 0xff)};
  out.insert(out.end(), m.bytes().begin(), m.bytes().end());
  return out;
}

TEST(DnsTcp, CoalescedMessagesAndAZeroLengthOne) {
  AppCounters counters;
  RecordingOut out;
  auto dissector = make_dns_dissector(Transport::tcp, counters);
  Message a(0x0100, 1, 0);
  a.name({"one"}).question();
  Message b(0x0100, 1, 0);
  b.name({"two"}).question();
  std::vector<std::uint8_t> stream = framed(a);
  stream.insert(stream.end(), {0, 0});  // an empty message
  const auto second = framed(b);
  stream.insert(stream.end(), second.begin(), second.end());
  dissector->on_data(flow::Direction::forward, 1, stream, out);
  const auto events = out.bodies<DnsEvent>();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].queries.at(0).rrname, "one");
  EXPECT_EQ(events[1].queries.at(0).rrname, "two");
  EXPECT_EQ(counters.dns_malformed.get(), 1u);
  EXPECT_EQ(dissector->host(), "one");
}

TEST(DnsTcp, MessageCutByTheFlowEndIsReportedAsFarAsItGoes) {
  AppCounters counters;
  RecordingOut out;
  auto dissector = make_dns_dissector(Transport::tcp, counters);
  Message m(0x0100, 1, 0);
  m.name({"cut", "example"}).question();
  std::vector<std::uint8_t> stream = framed(m);
  stream[0] = 0xff;  // announces 65535 bytes
  stream[1] = 0xff;
  dissector->on_data(flow::Direction::backward, 5, stream, out);
  EXPECT_TRUE(out.events.empty());
  dissector->on_flow_end(9, out);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].side, flow::Direction::backward);
  EXPECT_EQ(out.events[0].timestamp, 9);
  EXPECT_EQ(std::get<DnsEvent>(out.events[0].body).queries.at(0).rrname, "cut.example");
  EXPECT_EQ(counters.dns_malformed.get(), 1u);
}

TEST(DnsTcp, GapsStopTheirDirection) {
  AppCounters counters;
  RecordingOut out;
  auto dissector = make_dns_dissector(Transport::tcp, counters);
  Message m(0x0100, 1, 0);
  m.name({"x"}).question();
  dissector->on_gap(flow::Direction::forward, 100);
  EXPECT_TRUE(dissector->wants_more());
  dissector->on_data(flow::Direction::forward, 1, framed(m), out);
  EXPECT_TRUE(out.events.empty());
  dissector->on_data(flow::Direction::backward, 1, framed(m), out);
  EXPECT_EQ(out.events.size(), 1u);
  dissector->on_gap(flow::Direction::backward, 1);
  EXPECT_FALSE(dissector->wants_more());
}

TEST(DnsUdp, StaysInterestedWhateverHappens) {
  AppCounters counters;
  RecordingOut out;
  auto dissector = make_dns_dissector(Transport::udp, counters);
  dissector->on_gap(flow::Direction::forward, 10);
  dissector->on_flow_end(1, out);
  EXPECT_TRUE(dissector->wants_more());
  EXPECT_EQ(dissector->host(), "");
}

}  // namespace
}  // namespace mld::app
