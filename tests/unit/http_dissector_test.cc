// The HTTP/1.x dissector on real captures (expected values read with tshark
// 4.0 and nDPI's result files) fed as captured and one byte per call, and on
// hand-made hostile streams: pipelining, interim responses, garbage, huge
// heads, gaps, lying lengths.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/http.h"
#include "app/http_head.h"
#include "app/http_stream.h"
#include "dissector_test_support.h"

namespace mld::app {
namespace {

using flow::Direction;
using test::Chunking;
using test::RecordingOut;

constexpr Direction kClient = Direction::forward;
constexpr Direction kServer = Direction::backward;

struct Dissected {
  std::vector<HttpEvent> events;
  std::string host;
  bool wants_more = true;
};

Dissected dissect(const std::string& capture, std::uint16_t port, AppCounters& counters,
                  Chunking chunking = Chunking::as_captured) {
  auto dissector = make_http_dissector(counters);
  RecordingOut out;
  test::feed(*dissector, test::conversation_on_port(test::ndpi_capture(capture), port), out,
             chunking);
  return {out.bodies<HttpEvent>(), std::string(dissector->host()), dissector->wants_more()};
}

// A dissector fed by hand.
class Session {
 public:
  Session() : dissector_(make_http_dissector(counters)) {}
  Session& send(Direction side, const std::string& bytes) {
    dissector_->on_data(side, ++clock_,
                        Bytes(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
                        out);
    return *this;
  }
  Session& send_bytewise(Direction side, const std::string& bytes) {
    for (const char c : bytes) send(side, std::string(1, c));
    return *this;
  }
  Session& gap(Direction side, std::uint64_t length) {
    dissector_->on_gap(side, length);
    return *this;
  }
  Session& end() {
    dissector_->on_flow_end(++clock_, out);
    return *this;
  }
  std::vector<HttpEvent> events() const { return out.bodies<HttpEvent>(); }
  Dissector& dissector() { return *dissector_; }

  AppCounters counters;
  RecordingOut out;

 private:
  std::unique_ptr<Dissector> dissector_;
  Micros clock_ = 0;
};

// ---- Real captures ----

TEST(HttpCaptures, LinesSplitAcrossSegments) {
  MLD_REQUIRE_SHARED_DATA();
  for (const Chunking chunking : {Chunking::as_captured, Chunking::byte_by_byte}) {
    AppCounters counters;
    const Dissected d = dissect("http-lines-split.pcap", 31337, counters, chunking);
    ASSERT_EQ(d.events.size(), 1u);
    const HttpEvent& e = d.events[0];
    EXPECT_EQ(e.hostname, "toni.lan");
    EXPECT_EQ(e.url, "/");
    EXPECT_EQ(e.http_method, "GET");
    EXPECT_EQ(e.protocol, "HTTP/1.1");
    EXPECT_EQ(e.http_user_agent, "uclient-fetch");
    EXPECT_EQ(e.status, 200u);
    EXPECT_EQ(e.http_content_type, "text/html");
    EXPECT_EQ(e.length, 1476u);
    EXPECT_EQ(d.host, "toni.lan");
    EXPECT_EQ(counters.http_malformed.get(), 0u);
  }
}

TEST(HttpCaptures, ThirtySevenKeepAliveRequestsPairInOrder) {
  MLD_REQUIRE_SHARED_DATA();
  for (const Chunking chunking : {Chunking::as_captured, Chunking::byte_by_byte}) {
    AppCounters counters;
    const Dissected d = dissect("http_ua_splitted_in_two_pkts.pcapng", 80, counters, chunking);
    ASSERT_EQ(d.events.size(), 37u);
    std::size_t html = 0;
    for (const HttpEvent& e : d.events) {
      EXPECT_EQ(e.hostname, "va.origin.startappservice.com");
      EXPECT_TRUE(e.url.starts_with("/tracking/ad")) << e.url;
      EXPECT_EQ(e.http_user_agent,
                "Mozilla/5.0 (Linux; Android 6.0.1; SM-T805 Build/MMB29K; wv) AppleWebKit/537.36 "
                "(KHTML, like Gecko) Version/4.0 Chrome/61.0.3163.98 Safari/537.36");
      EXPECT_EQ(e.status, 200u);
      EXPECT_EQ(e.length, 0u);
      html += e.http_content_type == "text/html";
    }
    EXPECT_EQ(html, 7u);
  }
}

TEST(HttpCaptures, ChunkedResponseLengthIsTheSumOfItsChunks) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const Dissected d = dissect("http_auth.pcap", 80, counters);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].url, "/password-ok.php");
  EXPECT_EQ(d.events[0].hostname, "browserspy.dk");
  EXPECT_EQ(d.events[0].status, 401u);
  EXPECT_EQ(d.events[0].http_content_type, "text/html");
  // tshark's chunk sizes: 1521 73 216 11652 510 24 306 636 632 118 207 306 852 81 0.
  EXPECT_EQ(d.events[0].length, 17134u);
}

TEST(HttpCaptures, SpacesBeforeTheUrlAndADownloadCutByTheCapture) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const Dissected d = dissect("http-manipulated.pcap", 33684, counters);
  ASSERT_EQ(d.events.size(), 2u);
  EXPECT_EQ(d.events[0].url, "/aaaaaaaaaaaaaaaaaaaaaaaa_very_long_uri");
  EXPECT_EQ(d.events[0].http_method, "GET");
  EXPECT_EQ(d.events[0].hostname, "www.lan");
  EXPECT_EQ(d.events[0].length, 366u);
  EXPECT_EQ(d.events[1].url, "/rick.gif");
  EXPECT_EQ(d.events[1].http_content_type, "application/octet-stream");
  // Content-Length 889479, but the capture stops before: what arrived is counted.
  ASSERT_TRUE(d.events[1].length.has_value());
  EXPECT_GT(*d.events[1].length, 0u);
  EXPECT_LT(*d.events[1].length, 889479u);
  EXPECT_EQ(counters.http_malformed.get(), 0u);
}

TEST(HttpCaptures, SqlInjectionUrlsAsTsharkReadsThem) {
  MLD_REQUIRE_SHARED_DATA();
  struct Expected {
    std::uint16_t port;
    std::string url;
    std::string content_type;
    std::uint64_t length;
  };
  const std::string q = "/dv/vulnerabilities/sqli/?id=1%27";
  const std::vector<Expected> expected{
      {36196, q + "&Submit=Submit", "text/html", 141},
      {36198, q + "+and+1%3D1%23&Submit=Submit", "text/html", 1488},
      {36200, q + "+and+1%3D1+union+select+database%28%29%2C+user%28%29%23&Submit=Submit",
       "text/html", 1529},
      {36202,
       q + "+and+1%3D1+union+select+null%2C+table_name+from+information_schema.tables%23"
           "&Submit=Submit",
       "text/html", 3797},
      {36204, q + "+and+1%3D1+union+select+user%2C+password+from+users%23&Submit=Submit",
       "text/html", 1669},
  };
  for (const Expected& x : expected) {
    AppCounters counters;
    const Dissected d = dissect("WebattackSQLinj.pcap", x.port, counters);
    ASSERT_EQ(d.events.size(), 1u) << x.port;
    EXPECT_EQ(d.events[0].url, x.url);
    EXPECT_EQ(d.events[0].hostname, "205.174.165.68");
    EXPECT_EQ(d.events[0].http_user_agent,
              "Mozilla/5.0 (X11; Linux x86_64; rv:45.0) Gecko/20100101 Firefox/45.0");
    EXPECT_EQ(d.events[0].status, 200u);
    EXPECT_EQ(d.events[0].http_content_type, x.content_type);
    EXPECT_EQ(d.events[0].length, x.length);
  }
}

TEST(HttpCaptures, LargeImageDownload) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const Dissected d = dissect("bot.pcap", 64768, counters);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].hostname, "atlanteditorino.it");
  EXPECT_EQ(d.events[0].url, "/quartieri/img/S.Donato_M.Vittoria1930_B.jpg");
  EXPECT_EQ(d.events[0].http_user_agent,
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)");
  EXPECT_EQ(d.events[0].http_content_type, "image/jpeg");
  EXPECT_EQ(d.events[0].length, 406505u);
}

TEST(HttpCaptures, EmotetDownloads) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const Dissected page = dissect("emotet.pcap", 56309, counters);
  ASSERT_EQ(page.events.size(), 1u);
  EXPECT_EQ(page.events[0].hostname, "fkl.co.ke");
  EXPECT_EQ(page.events[0].url, "/wp-content/Elw3kPvOsZxM5/");
  EXPECT_EQ(page.events[0].length, 46144u);

  const Dissected dll = dissect("emotet.pcap", 49797, counters);
  ASSERT_EQ(dll.events.size(), 1u);
  EXPECT_EQ(dll.events[0].hostname, "filmmogzivota.rs");
  EXPECT_EQ(dll.events[0].http_user_agent, "vBKbaQgjyvRRbcgfvlsc");
  EXPECT_EQ(dll.events[0].http_content_type, "application/x-msdownload");
  EXPECT_EQ(dll.events[0].status, 200u);
  EXPECT_EQ(counters.http_malformed.get(), 0u);
}

TEST(HttpCaptures, CaptureStartingWithAResponse) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const Dissected d = dissect("http_starting_with_reply.pcapng", 1044, counters);
  ASSERT_EQ(d.events.size(), 3u);
  EXPECT_EQ(d.events[0].http_method, "");  // its request was not captured
  EXPECT_EQ(d.events[0].protocol, "HTTP/1.1");
  EXPECT_EQ(d.events[0].status, 200u);
  EXPECT_EQ(d.events[0].length, 3138u);
  EXPECT_EQ(d.events[1].url, "/icons/ubuntu-logo.png");
  EXPECT_EQ(d.events[1].http_content_type, "image/png");
  EXPECT_EQ(d.events[1].length, 3338u);
  EXPECT_EQ(d.events[2].url, "/favicon.ico");
  EXPECT_EQ(d.events[2].status, 404u);
  EXPECT_EQ(d.events[2].length, 297u);
  EXPECT_EQ(d.host, "proxy.wiresharkfest.acropolis.local");
}

TEST(HttpCaptures, ConnectTunnelEndsInspectionWithoutComplaint) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const Dissected d = dissect("http_connect.pcap", 1714, counters);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].http_method, "CONNECT");
  EXPECT_EQ(d.events[0].url, "apache.org:443");
  EXPECT_EQ(d.events[0].hostname, "apache.org");
  EXPECT_EQ(d.events[0].protocol, "HTTP/1.1");
  EXPECT_EQ(d.events[0].status, 200u);
  EXPECT_FALSE(d.wants_more);
  EXPECT_EQ(counters.http_malformed.get(), 0u);
}

// ---- Pairing ----

TEST(HttpPairing, PipelinedRequestsWithHeadNoContentAndChunkedTrailers) {
  const std::string requests =
      "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
      "HEAD /b HTTP/1.1\r\nHost: h\r\n\r\n"
      "DELETE /c HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /d HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string responses =
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
      "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"  // HEAD: no body
      "HTTP/1.1 204 No Content\r\n\r\n"
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
      "4;ext=1\r\nwiki\r\n5\r\npedia\r\n0\r\nExpires: never\r\n\r\n";
  for (const bool bytewise : {false, true}) {
    Session s;
    if (bytewise) {
      s.send_bytewise(kClient, requests).send_bytewise(kServer, responses);
    } else {
      s.send(kClient, requests).send(kServer, responses);
    }
    const auto events = s.events();
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[0].url, "/a");
    EXPECT_EQ(events[0].length, 5u);
    EXPECT_EQ(events[1].http_method, "HEAD");
    EXPECT_EQ(events[1].length, 0u);
    EXPECT_EQ(events[2].status, 204u);
    EXPECT_EQ(events[3].url, "/d");
    EXPECT_EQ(events[3].http_content_type, "text/plain");
    EXPECT_EQ(events[3].length, 9u);
    EXPECT_EQ(s.out.events.back().side, kServer);
    EXPECT_TRUE(s.dissector().wants_more());
  }
}

TEST(HttpPairing, ContinueIsInterim) {
  Session s;
  s.send(kClient,
         "POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  s.send(kServer, "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_TRUE(s.events().empty());
  s.send(kClient, "abc");
  s.send(kServer, "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
  const auto events = s.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].http_method, "POST");
  EXPECT_EQ(events[0].status, 201u);
  EXPECT_EQ(events[0].length, 2u);
}

TEST(HttpPairing, BodyUntilCloseIsCountedAtTheFlowEnd) {
  Session s;
  s.send(kClient, "GET / HTTP/1.0\r\n\r\n");
  s.send(kServer, "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n0123456789");
  s.send(kServer, "abcdef");
  EXPECT_TRUE(s.events().empty());
  s.end();
  const auto events = s.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].length, 16u);
  EXPECT_EQ(events[0].hostname, "");
}

TEST(HttpPairing, UnansweredRequestsAreEmittedAloneAtTheEnd) {
  Session s;
  s.send(kClient, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: b\r\n\r\n");
  s.send(kClient, "GET /3 HTTP/1.1\r\nHost: c\r\n");  // its head never ends
  s.end();
  const auto events = s.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].url, "/1");
  EXPECT_FALSE(events[0].status.has_value());
  EXPECT_EQ(events[1].hostname, "b");
  EXPECT_EQ(events[2].url, "/3");
  EXPECT_EQ(s.out.events[0].side, kClient);
  EXPECT_EQ(s.dissector().host(), "a");

  Session cut;
  cut.send(kClient, "GET /4 HT").end();  // a request line that never ended is no request
  EXPECT_TRUE(cut.events().empty());
}

TEST(HttpPairing, RequestsBeyondTheQueueLimitLoseTheirRequestHalf) {
  Session s;
  const std::size_t n = kMaxPendingHttpRequests + 4;
  for (std::size_t i = 0; i < n; ++i) {
    s.send(kClient, "GET /" + std::to_string(i) + " HTTP/1.1\r\n\r\n");
  }
  for (std::size_t i = 0; i < n; ++i)
    s.send(kServer, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  const auto events = s.events();
  ASSERT_EQ(events.size(), n);
  EXPECT_EQ(events[kMaxPendingHttpRequests - 1].url,
            "/" + std::to_string(kMaxPendingHttpRequests - 1));
  EXPECT_EQ(events[kMaxPendingHttpRequests].url, "");
  EXPECT_EQ(events[n - 1].status, 200u);
  EXPECT_EQ(s.counters.events_truncated.get(), 4u);
}

TEST(HttpPairing, SwitchingProtocolsEndsInspection) {
  Session s;
  s.send(kClient, "GET /chat HTTP/1.1\r\nHost: ws\r\nUpgrade: websocket\r\n\r\n");
  s.send(kServer, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello");
  ASSERT_EQ(s.events().size(), 1u);
  EXPECT_EQ(s.events()[0].status, 101u);
  EXPECT_FALSE(s.dissector().wants_more());
  EXPECT_EQ(s.counters.http_malformed.get(), 0u);
}

// ---- Fields ----

TEST(HttpFields, HostNormalisedAsSuricataLogsIt) {
  Session s;
  s.send(kClient, "GET / HTTP/1.1\r\nHost: WWW.Example.COM:8080\r\nHost: second\r\n\r\n");
  s.send(kClient, "GET / HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n");
  s.send(kClient, "GET http://user@Proxy.Example:3128/x HTTP/1.1\r\n\r\n");
  s.end();
  const auto events = s.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].hostname, "www.example.com");
  EXPECT_EQ(events[1].hostname, "[2001:db8::1]");
  EXPECT_EQ(events[2].hostname, "proxy.example");
  EXPECT_EQ(events[2].url, "http://user@Proxy.Example:3128/x");
}

TEST(HttpFields, FoldedValueAndLineWithoutColon) {
  Session s;
  s.send(kClient, "GET / HTTP/1.1\r\nUser-Agent: part one\r\n\t part two\r\nnot a header\r\n\r\n");
  s.end();
  ASSERT_EQ(s.events().size(), 1u);
  EXPECT_EQ(s.events()[0].http_user_agent, "part one part two");
  EXPECT_EQ(s.counters.http_malformed.get(), 1u);
}

TEST(HttpFields, RawBytesAndOverlongUrl) {
  Session s;
  const std::string url = "/" + std::string(http::kMaxUrlBytes + 100, 'u');
  s.send(kClient, "GET " + url + " HTTP/1.1\r\nUser-Agent: \xff\xfe\x80\r\n\r\n");
  s.end();
  ASSERT_EQ(s.events().size(), 1u);
  EXPECT_EQ(s.events()[0].url.size(), http::kMaxUrlBytes);
  EXPECT_EQ(s.events()[0].http_user_agent, "\xff\xfe\x80");
  EXPECT_EQ(s.counters.events_truncated.get(), 1u);
}

TEST(HttpFields, HostFromAnOverlongAbsoluteUrlIsCappedLikeAHeaderField) {
  Session s;
  const std::string host(http::kMaxFieldBytes + 100, 'h');
  s.send(kClient, "GET http://" + host + "/x HTTP/1.1\r\n\r\n");
  s.end();
  ASSERT_EQ(s.events().size(), 1u);
  EXPECT_EQ(s.events()[0].hostname, host.substr(0, http::kMaxFieldBytes));
  EXPECT_EQ(s.counters.events_truncated.get(), 1u);
}

// ---- Hostile input ----

TEST(HttpHostile, BinaryGarbageStopsAtOnce) {
  Session s;
  s.send(kClient, std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  EXPECT_FALSE(s.dissector().wants_more());
  EXPECT_EQ(s.counters.http_malformed.get(), 1u);
  s.end();
  EXPECT_TRUE(s.events().empty());
}

TEST(HttpHostile, TextThatIsNotHttp) {
  Session s;
  s.send_bytewise(kClient, "SSH-2.0-OpenSSH_8.2\r\n");
  EXPECT_FALSE(s.dissector().wants_more());
  EXPECT_EQ(s.counters.http_malformed.get(), 1u);
}

TEST(HttpHostile, BothSidesSendingRequests) {
  Session s;
  s.send(kClient, "GET / HTTP/1.1\r\n\r\n");
  s.send(kServer, "GET / HTTP/1.1\r\n\r\n");
  EXPECT_FALSE(s.dissector().wants_more());
  EXPECT_EQ(s.counters.http_malformed.get(), 1u);
  EXPECT_EQ(s.events().size(), 1u);  // the client's request, alone
}

TEST(HttpHostile, OversizedHeadGivesAPartialEventAndStopsThatSide) {
  Session s;
  s.send(kClient,
         "GET /big HTTP/1.1\r\nHost: h\r\nCookie: " + std::string(http::kMaxHeadBytes, 'c'));
  EXPECT_EQ(s.counters.http_oversized_headers.get(), 1u);
  EXPECT_TRUE(s.dissector().wants_more());
  s.send(kServer, "HTTP/1.1 431 Too Large\r\nContent-Length: 0\r\n\r\n");
  const auto events = s.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].url, "/big");
  EXPECT_EQ(events[0].hostname, "h");
  EXPECT_EQ(events[0].status, 431u);
}

TEST(HttpHostile, OversizedResponseHeadKeepsItsStatus) {
  Session s;
  s.send(kClient, "GET / HTTP/1.1\r\n\r\n");
  s.send_bytewise(kServer, "HTTP/1.1 200 OK\r\nContent-Type: a/b\r\nX: ");
  s.send(kServer, std::string(http::kMaxHeadBytes, 'x'));
  const auto events = s.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].status, 200u);
  EXPECT_EQ(events[0].http_content_type, "a/b");
  EXPECT_FALSE(events[0].length.has_value());
  EXPECT_EQ(s.counters.http_oversized_headers.get(), 1u);
}

TEST(HttpHostile, LyingLengths) {
  Session bad_length;
  bad_length.send(kClient, "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n");
  EXPECT_EQ(bad_length.counters.http_malformed.get(), 1u);
  bad_length.send(kClient, "GET /next HTTP/1.1\r\n\r\n");  // no longer read
  bad_length.end();
  EXPECT_EQ(bad_length.events().size(), 1u);

  Session huge;
  huge.send(kClient, "GET / HTTP/1.1\r\n\r\n");
  huge.send(kServer, "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n");
  EXPECT_EQ(huge.counters.http_malformed.get(), 1u);
  ASSERT_EQ(huge.events().size(), 1u);  // emitted when the server side stopped
  EXPECT_EQ(huge.events()[0].status, 200u);

  Session chunk;
  chunk.send(kClient, "GET / HTTP/1.1\r\n\r\n");
  chunk.send(kServer, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
  EXPECT_EQ(chunk.counters.http_malformed.get(), 1u);
  EXPECT_EQ(chunk.events().size(), 1u);
}

TEST(HttpHostile, GapInsideABodyIsSkippedElsewhereItStops) {
  Session s;
  s.send(kClient, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n");
  s.send(kServer, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
  s.gap(kServer, 80);
  s.send(kServer, "0123456789HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  auto events = s.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].length, 100u);
  EXPECT_EQ(events[1].url, "/2");

  s.gap(kClient, 10);  // between messages: the client side stops
  EXPECT_TRUE(s.dissector().wants_more());
  s.send(kServer, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n");
  s.gap(kServer, 10);  // more than the body holds
  EXPECT_FALSE(s.dissector().wants_more());
  s.end();
  events = s.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].status, 200u);
}

// ---- Line parsing ----

TEST(HttpHead, RequestAndStatusLines) {
  const auto request = http::parse_request_line("GET  \t/a b   HTTP/1.1 ");
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->method, "GET");
  EXPECT_EQ(request->target, "/a b");
  EXPECT_EQ(request->protocol, "HTTP/1.1");
  EXPECT_FALSE(http::parse_request_line("GET /"));
  EXPECT_FALSE(http::parse_request_line("G(T / HTTP/1.1"));
  EXPECT_FALSE(http::parse_request_line("GET / FTP/1.0"));

  const auto status = http::parse_status_line("HTTP/1.0 404");
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->status, 404u);
  EXPECT_FALSE(http::parse_status_line("HTTP/1.1 20 OK"));
  EXPECT_FALSE(http::parse_status_line("HTTP/1.1 2000 OK"));
}

TEST(HttpHead, LengthsAndChunkSizes) {
  EXPECT_EQ(http::parse_content_length("0"), 0u);
  EXPECT_EQ(http::parse_content_length("9223372036854775807"), 9223372036854775807u);
  EXPECT_FALSE(http::parse_content_length("99999999999999999999"));
  EXPECT_FALSE(http::parse_content_length("-1"));
  EXPECT_FALSE(http::parse_content_length(""));
  EXPECT_EQ(http::parse_chunk_size("1aF ; name=value"), 0x1afu);
  EXPECT_FALSE(http::parse_chunk_size("fffffffffffffffff"));
  EXPECT_FALSE(http::parse_chunk_size("g"));
  EXPECT_TRUE(http::is_chunked("gzip, Chunked"));
  EXPECT_FALSE(http::is_chunked("chunked, gzip"));
  EXPECT_EQ(http::media_type("text/html ; charset=x"), "text/html");
}

}  // namespace
}  // namespace mld::app
