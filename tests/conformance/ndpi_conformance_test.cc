// nDPI conformance: for every capture of nDPI's regression suite with a
// result file, each flow line of ndpiReader's output (endpoints, VLAN, packets
// and bytes per direction) must agree with the sum of our flows for the same
// endpoints, on >= 99% of flows. Our flows are summed per 5-tuple because
// ndpiReader has its own idle timeouts, so one of its flows may be several of
// ours (spec/flow-features.md section 5).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <tuple>

#include "tools/run_capture.h"
#include "tools/shared_data.h"

namespace mld::testing {
namespace {

namespace fs = std::filesystem;

// ndpiReader decapsulates IP-in-IP, GRE, GTP-U, VXLAN and CAPWAP (and TZSP,
// which we do not); not Geneve, ERSPAN or Teredo.
// Packets and bytes only: the application layer is compared elsewhere
// (ndpi_app_compare.py).
const std::vector<std::string> kNdpiSettings = {"decode.tunnels=ipip,gre,gtpu,vxlan,capwap",
                                                "app.enabled=false"};

struct Side {
  std::uint64_t packets = 0, bytes = 0;
  bool operator==(const Side&) const = default;
};

// Flows are compared per (IP protocol, innermost VLAN, endpoint pair);
// endpoints are text "address:port" in ndpiReader's spelling.
using Endpoint = std::string;
struct FlowKey {
  int protocol;
  unsigned vlan;
  Endpoint a, b;  // a < b
  auto operator<=>(const FlowKey&) const = default;
};
using Totals = std::map<Endpoint, Side>;  // per sending endpoint

FlowKey make_key(int protocol, unsigned vlan, const Endpoint& x, const Endpoint& y) {
  return x < y ? FlowKey{protocol, vlan, x, y} : FlowKey{protocol, vlan, y, x};
}

// ndpiReader prints well-known protocols by name, the rest by number.
int protocol_number(const std::string& name) {
  static const std::map<std::string, int> kNames = {
      {"ICMP", 1}, {"IGMP", 2},  {"TCP", 6},   {"UDP", 17},   {"GRE", 47},  {"ESP", 50},
      {"AH", 51},  {"ICMPV6", 58}, {"OSPF", 89}, {"PIM", 103}, {"VRRP", 112}, {"PGM", 113},
      {"SCTP", 132}};
  const auto it = kNames.find(name);
  return it != kNames.end() ? it->second : std::stoi(name);
}

// ndpiReader's IPv6 text: groups without leading zeros, and every run of
// zero groups (even a single one) written as "::" - lossy, so we render ours
// the same way rather than parse theirs.
std::string ndpi_address_text(const decode::IpAddress& address, decode::IpVersion version) {
  if (version == decode::IpVersion::v4) return address.to_string(version);
  std::string text;
  bool previous_was_run = false;
  for (int i = 0; i < 8; ++i) {
    const unsigned group = address.bytes[2 * i] << 8 | address.bytes[2 * i + 1];
    if (group == 0) {
      if (!previous_was_run) text += "::";
      previous_was_run = true;
      continue;
    }
    if (i > 0 && !previous_was_run) text += ':';
    char hex[8];
    std::snprintf(hex, sizeof hex, "%x", group);
    text += hex;
    previous_was_run = false;
  }
  return "[" + text + "]";
}

Endpoint endpoint(const decode::IpAddress& address, decode::IpVersion version, unsigned port) {
  return ndpi_address_text(address, version) + ":" + std::to_string(port);
}

std::map<FlowKey, Totals> reference_flows(const std::string& out_file) {
  // \t1\tUDP 1.2.3.4:47255 <-> 5.6.7.8:53 [VLAN: 785][...][1 pkts/91 bytes <-> 1 pkts/219 bytes]
  static const std::regex line_pattern(
      R"(^\t\d+\t(\S+) (\S+) (?:<->|->) (\S+) (?:\[VLAN: (\d+)\])?.*?\[(\d+) pkts/(\d+) bytes (?:<->|->) (\d+) pkts/(\d+) bytes\])");
  std::map<FlowKey, Totals> flows;
  std::ifstream in(out_file, std::ios::binary);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (!std::regex_search(line, m, line_pattern)) continue;
    const unsigned vlan = m[4].matched ? static_cast<unsigned>(std::stoul(m[4])) : 0;
    const FlowKey key = make_key(protocol_number(m[1]), vlan, m[2], m[3]);
    Totals& totals = flows[key];
    totals[m[2]].packets += std::stoull(m[5]);
    totals[m[2]].bytes += std::stoull(m[6]);
    totals[m[3]].packets += std::stoull(m[7]);
    totals[m[3]].bytes += std::stoull(m[8]);
  }
  return flows;
}

std::map<FlowKey, Totals> our_flows(const std::vector<flow::FlowRecord>& records) {
  std::map<FlowKey, Totals> flows;
  for (const flow::FlowRecord& r : records) {
    const Endpoint src = endpoint(r.src_ip, r.ip_version, r.src_port);
    const Endpoint dst = endpoint(r.dst_ip, r.ip_version, r.dst_port);
    const unsigned vlan = r.vlans.count ? r.vlans.ids[r.vlans.count - 1] : 0;
    Totals& totals = flows[make_key(r.protocol, vlan, src, dst)];
    totals[src].packets += r.packets_toserver;
    totals[src].bytes += r.bytes_toserver;
    totals[dst].packets += r.packets_toclient;
    totals[dst].bytes += r.bytes_toclient;
  }
  return flows;
}

TEST(NdpiConformance, PerFlowPacketsAndBytesMatchNdpiReader) {
  MLD_REQUIRE_SHARED_DATA();
  const auto options = options_from(kNdpiSettings);
  const fs::path data = shared_data_dir();
  std::uint64_t reference_total = 0, agreed_total = 0, captures = 0;
  std::ofstream report("ndpi-conformance.txt");
  report << "capture\tprotocol\tvlan\tendpoint_a\tendpoint_b\tndpi(a;b)\tours(a;b)\n";

  for (const std::string& out : files_under("ndpi/tests/cfgs/default/result", {".out"})) {
    const std::string name = fs::path(out).filename().string();
    const fs::path capture =
        data / "ndpi/tests/cfgs/default/pcap" / name.substr(0, name.size() - 4);
    if (!fs::exists(capture)) continue;
    ++captures;
    const auto reference = reference_flows(out);
    const auto ours = our_flows(run_captures({capture.string()}, options).records);
    for (const auto& [key, totals] : reference) {
      ++reference_total;
      const auto it = ours.find(key);
      const Totals mine = it == ours.end() ? Totals{} : it->second;
      const Side ra = totals.count(key.a) ? totals.at(key.a) : Side{};
      const Side rb = totals.count(key.b) ? totals.at(key.b) : Side{};
      const Side oa = mine.count(key.a) ? mine.at(key.a) : Side{};
      const Side ob = mine.count(key.b) ? mine.at(key.b) : Side{};
      if (ra == oa && rb == ob) {
        ++agreed_total;
        continue;
      }
      report << name << '\t' << key.protocol << '\t' << key.vlan << '\t' << key.a << '\t' << key.b
             << '\t' << ra.packets << '/' << ra.bytes << ';' << rb.packets << '/' << rb.bytes
             << '\t' << oa.packets << '/' << oa.bytes << ';' << ob.packets << '/' << ob.bytes
             << '\n';
    }
  }
  const double agreement = reference_total ? double(agreed_total) / double(reference_total) : 0;
  report << "TOTAL " << captures << " captures, " << reference_total << " flows, " << agreed_total
         << " agree: " << agreement << '\n';
  std::cout << "nDPI: " << captures << " captures, " << reference_total << " reference flows, "
            << agreed_total << " agree: " << agreement * 100 << "%\n";
  EXPECT_GT(captures, 500u);
  EXPECT_GE(agreement, 0.99);
}

}  // namespace
}  // namespace mld::testing
