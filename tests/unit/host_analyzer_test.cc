// HostAnalyzer with hand-built flow events: expected alerts computed by hand
// from the thresholds in DetectOptions.
#include "detect/host_analyzer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "detect/beacon_detector.h"

namespace mld::detect {
namespace {

class Collector final : public AlertSink {
 public:
  void on_alert(Alert&& alert) override { alerts.push_back(std::move(alert)); }
  std::vector<Alert> alerts;
};

decode::IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  const std::uint8_t bytes[4] = {a, b, c, d};
  return decode::IpAddress::from_v4(bytes);
}

const decode::IpAddress kClient = v4(10, 0, 0, 5);
const decode::IpAddress kServer = v4(10, 0, 0, 9);

flow::FlowRecord tcp_flow(decode::IpAddress src, decode::IpAddress dst, std::uint16_t dst_port,
                          Micros start, std::string_view history, std::uint64_t packets) {
  flow::FlowRecord record;
  record.protocol = decode::kProtoTcp;
  record.src_ip = src;
  record.dst_ip = dst;
  record.src_port = 40000;
  record.dst_port = dst_port;
  record.start = start;
  record.end = start + 1000;
  record.packets_toserver = packets;
  record.packets_toclient = packets;
  record.bytes_toserver = packets * 60;
  record.bytes_toclient = packets * 60;
  record.history_length = static_cast<std::uint8_t>(history.size());
  std::memcpy(record.history, history.data(), history.size());
  return record;
}

// A SYN answered by a reset: what a closed port gives a SYN scan.
flow::FlowRecord refused(decode::IpAddress dst, std::uint16_t port, Micros at) {
  flow::FlowRecord record = tcp_flow(kClient, dst, port, at, "Sr", 1);
  record.packets_toclient = 1;
  return record;
}

// One datagram from kClient that got no answer; history "D" when it
// carried data.
flow::FlowRecord unanswered_udp(decode::IpAddress dst, std::uint16_t port, Micros at,
                                bool with_data) {
  flow::FlowRecord record = tcp_flow(kClient, dst, port, at, with_data ? "D" : "", 1);
  record.protocol = decode::kProtoUdp;
  record.packets_toclient = 0;
  record.bytes_toclient = 0;
  return record;
}

std::vector<Detector> detectors_of(const std::vector<Alert>& alerts) {
  std::vector<Detector> detectors;
  for (const Alert& alert : alerts) detectors.push_back(alert.detector);
  return detectors;
}

FlowOpened opened(decode::IpAddress src, decode::IpAddress dst, std::uint16_t port, Micros at,
                  std::uint8_t flags = decode::tcp_flag::syn) {
  FlowOpened event;
  event.flow.protocol = decode::kProtoTcp;
  event.flow.src_ip = src;
  event.flow.dst_ip = dst;
  event.flow.src_port = 40000;
  event.flow.dst_port = port;
  event.timestamp = at;
  event.tcp_flags = flags;
  return event;
}

TEST(HostAnalyzer, VerticalScanOf30PortsIsOneAlertCountingThePorts) {
  Collector sink;
  DetectOptions options;  // vertical_ports = 15
  HostAnalyzer analyzer(options, sink);
  for (std::uint16_t port = 1; port <= 30; ++port) {
    flow::FlowRecord record = refused(kServer, port, seconds(port));
    analyzer.on_flow_end(record);
  }
  analyzer.flush();
  ASSERT_EQ(sink.alerts.size(), 1u);
  const Alert& alert = sink.alerts[0];
  EXPECT_EQ(alert.detector, Detector::scan_vertical);
  // Crossed at the 15th port (t = 15 s); the alert counts all 30 ports.
  EXPECT_EQ(alert.count, 30u);
  EXPECT_EQ(alert.timestamp, seconds(15) + 1000);
  EXPECT_EQ(alert.last_seen, seconds(30) + 1000);
  EXPECT_EQ(alert.source_ip, kClient);
  EXPECT_EQ(alert.target_ip, kServer);
  EXPECT_EQ(alert.detail, "30 TCP ports of 10.0.0.9 in 29 s");
  EXPECT_EQ(analyzer.stats().alerts, 1u);
  EXPECT_EQ(analyzer.stats().alerts_aggregated, 15u);
}

// Two workers hand over their flows in their own time order: here all of
// one worker's (even ports) before the other's (odd ports, each a second
// earlier). The late flows belong to the same window, not a new one.
TEST(HostAnalyzer, ScanSpreadOverTwoWorkersCountsFlowsThatArriveLate) {
  Collector sink;
  DetectOptions options;  // vertical_ports = 15, scan window 60 s
  HostAnalyzer analyzer(options, sink);
  for (std::uint16_t first : {2, 1}) {
    for (std::uint16_t port = first; port <= 20; port += 2) {
      flow::FlowRecord record = refused(kServer, port, seconds(port));
      analyzer.on_flow_end(record);
    }
  }
  analyzer.flush();
  ASSERT_EQ(sink.alerts.size(), 1u);
  EXPECT_EQ(sink.alerts[0].detector, Detector::scan_vertical);
  EXPECT_EQ(sink.alerts[0].count, 20u);
}

// A second capture whose traffic is a whole window earlier starts over.
TEST(HostAnalyzer, EvidenceAWholeWindowEarlierOpensANewWindow) {
  Collector sink;
  DetectOptions options;  // vertical_ports = 15, scan window 60 s
  HostAnalyzer analyzer(options, sink);
  for (const auto& [start, first_port] : {std::pair{seconds(1000), 1}, {seconds(100), 11}}) {
    for (int port = first_port; port < first_port + 10; ++port) {
      flow::FlowRecord record =
          refused(kServer, static_cast<std::uint16_t>(port), start + seconds(port));
      analyzer.on_flow_end(record);
    }
  }
  analyzer.flush();
  EXPECT_TRUE(sink.alerts.empty());  // 10 ports in each window, 15 needed
}

// What a Gnutella client does to a firewalled peer (seen in nDPI's
// gnutella.pcap): the same message to six ports its NAT might have mapped.
// An empty datagram to each of five ports is a UDP scan (udp_ports = 5), as
// is data to five system ports (protocol probes).
TEST(HostAnalyzer, UdpDataToAPeersHighPortsIsNoScanButEmptyProbesAre) {
  const auto alerts_after = [](const std::vector<std::uint16_t>& ports, bool with_data) {
    Collector sink;
    DetectOptions options;
    HostAnalyzer analyzer(options, sink);
    Micros at = seconds(1);
    for (std::uint16_t port : ports) {
      flow::FlowRecord record = unanswered_udp(kServer, port, at += 100'000, with_data);
      analyzer.on_flow_end(record);
    }
    analyzer.flush();
    return detectors_of(sink.alerts);
  };
  const std::vector<std::uint16_t> peer_ports = {54436, 55080, 59875, 59384, 54914, 10728};
  const std::vector<std::uint16_t> service_ports = {53, 123, 137, 161, 500};
  const std::vector<Detector> vertical_scan = {Detector::scan_vertical};
  EXPECT_TRUE(alerts_after(peer_ports, true).empty());
  EXPECT_EQ(alerts_after(peer_ports, false), vertical_scan);
  EXPECT_EQ(alerts_after(service_ports, true), vertical_scan);
}

// Peer-to-peer clients send to a few dozen peers a minute that never
// answer; 25 hosts on one TCP port is a scan, UDP needs udp_hosts = 100.
TEST(HostAnalyzer, HorizontalUdpNeedsMoreHostsThanTcp) {
  Collector sink;
  DetectOptions options;
  HostAnalyzer analyzer(options, sink);
  for (std::uint8_t host = 1; host <= 99; ++host) {
    flow::FlowRecord record =
        unanswered_udp(v4(10, 7, 0, host), 6346, seconds(1) + host * 100'000, true);
    analyzer.on_flow_end(record);
  }
  analyzer.advance(seconds(120));
  EXPECT_TRUE(sink.alerts.empty());
  for (std::uint8_t host = 1; host <= 100; ++host) {
    flow::FlowRecord record =
        unanswered_udp(v4(10, 8, 0, host), 6346, seconds(200) + host * 100'000, true);
    analyzer.on_flow_end(record);
  }
  for (std::uint8_t host = 1; host <= 25; ++host) {
    flow::FlowRecord record = refused(v4(10, 9, 0, host), 23, seconds(200) + host * 100'000);
    analyzer.on_flow_end(record);
  }
  analyzer.flush();
  EXPECT_EQ(detectors_of(sink.alerts),
            (std::vector<Detector>{Detector::scan_horizontal, Detector::scan_horizontal}));
}

TEST(HostAnalyzer, ScanningHostsProbeFlowsScoreAsScanAndRealSessionsDoNot) {
  Collector sink;
  DetectOptions options;
  HostAnalyzer analyzer(options, sink);
  for (std::uint16_t port = 1; port <= 20; ++port) {
    flow::FlowRecord record = refused(kServer, port, seconds(port));
    analyzer.on_flow_end(record);
    if (port == 14) {
      EXPECT_LT(record.detection.fast_score, options.alert_score);
    }
    if (port == 20) {
      EXPECT_TRUE(record.detection.scored);
      EXPECT_GE(record.detection.fast_score, options.alert_score);
      EXPECT_EQ(record.detection.category.view(), "scan");
      EXPECT_EQ(record.detection.reasons, reason_bit(Detector::scan_vertical));
      EXPECT_EQ(record.detection.authoritative, static_cast<std::uint8_t>(Authority::fast));
    }
  }
  flow::FlowRecord session = tcp_flow(kClient, kServer, 443, seconds(21), "ShADadFf", 12);
  analyzer.on_flow_end(session);
  EXPECT_EQ(session.detection.fast_score, 0.0f);
  EXPECT_EQ(session.detection.category.view(), "");
  EXPECT_EQ(session.detection.authoritative, static_cast<std::uint8_t>(Authority::none));
}

TEST(HostAnalyzer, BusyClientWith200ConnectionsToOneWebPortIsNoScan) {
  Collector sink;
  DetectOptions options;
  HostAnalyzer analyzer(options, sink);
  for (int i = 0; i < 200; ++i) {
    analyzer.on_flow_opened(opened(kClient, kServer, 443, seconds(i) / 4));
    flow::FlowRecord record = tcp_flow(kClient, kServer, 443, seconds(i) / 4, "ShADadFf", 10);
    record.end = record.start + seconds(40);  // long enough not to be a login attempt
    analyzer.on_flow_end(record);
  }
  analyzer.flush();
  EXPECT_TRUE(sink.alerts.empty());
}

TEST(HostAnalyzer, EvictsTheLeastRecentHostBeyondMaxHosts) {
  Collector sink;
  DetectOptions options;
  options.max_hosts = 4;
  HostAnalyzer analyzer(options, sink);
  for (std::uint8_t i = 1; i <= 6; ++i) {
    FlowOpened event = opened(v4(10, 1, 0, i), kServer, 80, seconds(i));
    event.as_target = false;
    analyzer.on_flow_opened(event);
  }
  EXPECT_EQ(analyzer.stats().hosts_tracked, 6u);
  EXPECT_EQ(analyzer.stats().hosts_evicted, 2u);
}

TEST(HostAnalyzer, BeaconEvery60sWithin1sAlerts) {
  Collector sink;
  DetectOptions options;  // min_connections 8, max_jitter 0.1, min_interval 1 s
  HostAnalyzer analyzer(options, sink);
  for (int i = 0; i < 10; ++i) {
    const Micros jitter = (i % 2 == 0) ? seconds(1) : -seconds(1);
    analyzer.on_flow_opened(opened(kClient, kServer, 443, seconds(60 * i) + jitter));
  }
  analyzer.flush();
  ASSERT_EQ(sink.alerts.size(), 1u);
  EXPECT_EQ(sink.alerts[0].detector, Detector::beaconing);
  EXPECT_EQ(sink.alerts[0].count, 10u);  // connections
  EXPECT_EQ(sink.alerts[0].target_port, 443);
}

// The same beacon with its connections opened on two workers: one hands
// over the even ones, then the other the odd ones.
TEST(HostAnalyzer, BeaconWhoseConnectionsArriveOutOfOrderAlerts) {
  Collector sink;
  DetectOptions options;  // min_connections 8, max_jitter 0.1
  HostAnalyzer analyzer(options, sink);
  for (int first : {0, 1}) {
    for (int i = first; i < 10; i += 2) {
      analyzer.on_flow_opened(opened(kClient, kServer, 443, seconds(60 * i)));
    }
  }
  analyzer.flush();
  ASSERT_EQ(sink.alerts.size(), 1u);
  EXPECT_EQ(sink.alerts[0].detector, Detector::beaconing);
  EXPECT_EQ(sink.alerts[0].detail, "10 connections every 60.0 s (jitter 0.00)");
}

// 40 connections every 10 s: the rhythm keeps the latest 32 start times,
// and one that arrives older than all of them changes nothing.
TEST(HostAnalyzer, RhythmKeepsTheLatestStartsInOrder) {
  ConnectionRhythm rhythm;
  for (int i = 39; i >= 0; i -= 3) rhythm.add(seconds(10 * i));
  for (int i = 0; i < 40; ++i) {
    if (i % 3 != 0) rhythm.add(seconds(10 * i));
  }
  rhythm.add(seconds(1));
  EXPECT_EQ(rhythm.count, 41u);
  ASSERT_EQ(rhythm.kept, ConnectionRhythm::kStarts);
  for (std::uint32_t i = 0; i < rhythm.kept; ++i) {
    EXPECT_EQ(rhythm.starts[i], seconds(10 * (8 + i))) << i;
  }
  EXPECT_EQ(rhythm.last, seconds(390));
  double mean = 0;
  EXPECT_EQ(interval_jitter(rhythm, 32, mean), 0.0);
  EXPECT_EQ(mean, static_cast<double>(seconds(10)));
}

TEST(HostAnalyzer, IrregularConnectionsAreNoBeacon) {
  Collector sink;
  DetectOptions options;
  HostAnalyzer analyzer(options, sink);
  const int gaps[] = {10, 95, 33, 170, 61, 7, 120, 44, 250};
  Micros at = 0;
  analyzer.on_flow_opened(opened(kClient, kServer, 443, at));
  for (int gap : gaps) {
    at += seconds(gap);
    analyzer.on_flow_opened(opened(kClient, kServer, 443, at));
  }
  analyzer.flush();
  EXPECT_TRUE(sink.alerts.empty());
}

TEST(HostAnalyzer, AlertWindowClosesOnAdvanceAndANewWindowGivesASecondAlert) {
  Collector sink;
  DetectOptions options;  // alert_window 60 s, scan window 60 s
  HostAnalyzer analyzer(options, sink);
  for (std::uint16_t port = 1; port <= 20; ++port) {
    flow::FlowRecord record = refused(kServer, port, seconds(port));
    analyzer.on_flow_end(record);
  }
  analyzer.advance(seconds(70));  // crossed at 15 s: the window ends at 75 s
  EXPECT_TRUE(sink.alerts.empty());
  analyzer.advance(seconds(76));
  ASSERT_EQ(sink.alerts.size(), 1u);
  EXPECT_EQ(sink.alerts[0].count, 20u);  // ports
  for (std::uint16_t port = 1; port <= 20; ++port) {
    flow::FlowRecord record = refused(kServer, port, seconds(200 + port));
    analyzer.on_flow_end(record);
  }
  analyzer.flush();
  ASSERT_EQ(sink.alerts.size(), 2u);
  EXPECT_EQ(sink.alerts[1].timestamp, seconds(215) + 1000);
}

TEST(HostAnalyzer, OneXmasProbeIsAStealthScan) {
  Collector sink;
  DetectOptions options;
  HostAnalyzer analyzer(options, sink);
  using namespace decode::tcp_flag;
  analyzer.on_flow_opened(opened(kClient, kServer, 25, seconds(1), fin | psh | urg));
  analyzer.on_flow_opened(opened(kClient, kServer, 80, seconds(2), fin));  // ambiguous alone
  analyzer.flush();
  ASSERT_EQ(sink.alerts.size(), 1u);
  EXPECT_EQ(sink.alerts[0].detector, Detector::scan_stealth);
}

TEST(HostAnalyzer, FiveShortSshSessionsAreBruteForceAndFourAreNot) {
  for (int sessions : {4, 5}) {
    Collector sink;
    DetectOptions options;  // attempts = 5 in 120 s
    HostAnalyzer analyzer(options, sink);
    for (int i = 0; i < sessions; ++i) {
      flow::FlowRecord record = tcp_flow(kClient, kServer, 22, seconds(5 * i), "ShADadFf", 20);
      analyzer.on_flow_end(record);
    }
    analyzer.flush();
    EXPECT_EQ(sink.alerts.size(), sessions == 5 ? 1u : 0u) << sessions;
  }
}

TEST(HostAnalyzer, StatsAddUp) {
  DetectStats a, b;
  a.alerts = 2;
  a.alerts_by_detector[3] = 1;
  b.alerts = 5;
  b.hosts_evicted = 7;
  b.alerts_by_detector[3] = 4;
  a += b;
  EXPECT_EQ(a.alerts, 7u);
  EXPECT_EQ(a.hosts_evicted, 7u);
  EXPECT_EQ(a.alerts_by_detector[3], 5u);
}

}  // namespace
}  // namespace mld::detect
