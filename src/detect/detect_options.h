#pragma once
// Every threshold of the detectors, with its default. Configuration keys are
// `detect.<detector>.<setting>` (docs in README "Detection"); windows are in
// traffic time (packet timestamps), so captures replay like live traffic.
#include <cstdint>
#include <string>

#include "common/time.h"

namespace mld::detect {

struct ScanOptions {
  Micros window = 60 * kMicrosPerSecond;
  // Only attempts that got nothing (TCP: no payload either way, <= 3 packets
  // sent; UDP: never answered; ICMP echo requests) count.
  std::uint32_t vertical_ports = 15;   // distinct TCP ports of one target from one source
  std::uint32_t horizontal_hosts = 25; // distinct targets on one port (or ICMP echo)
  // Distinct UDP ports of one target without any answer: lower than TCP
  // because nmap -sU is slow (a few ports a second) and unanswered UDP to
  // five ports of one host has no common benign cause.
  std::uint32_t udp_ports = 5;
  // Distinct targets of unanswered UDP on one port: higher than for TCP
  // because peer-to-peer overlays (Gnutella, BitTorrent DHT, games) send to
  // a few dozen peers a minute that never answer, while a UDP sweep by nmap
  // or masscan reaches hundreds.
  std::uint32_t udp_hosts = 100;
  // Distinct hosts sent an ICMP echo request: a ping sweep. Lower than for
  // ports, since people ping one host; monitoring systems that ping many
  // are the expected exception (an analyst's allow-list).
  std::uint32_t icmp_hosts = 10;
  // FIN/ACK/Maimon probes (no handshake, at most a reset back) from one
  // source. A NULL or XMAS first packet, which no TCP stack sends, counts
  // as this many on its own: one is enough.
  std::uint32_t stealth_probes = 3;
};

struct FloodOptions {
  Micros window = 10 * kMicrosPerSecond;
  std::uint32_t syn_flows = 1000;   // half-open TCP flows to one target
  std::uint32_t udp_flows = 2000;   // UDP flows to one target
  std::uint32_t icmp_flows = 500;   // ICMP echo flows (or packets) to one target
  // Response/request byte ratio of a UDP flow from an amplification service
  // port (DNS, NTP, SSDP, memcached, CLDAP, SNMP, chargen, ...).
  double amplification_ratio = 10.0;
  std::uint64_t amplification_bytes = 1u << 20;  // response bytes to one target in the window
};

struct DnsOptions {
  Micros window = 300 * kMicrosPerSecond;
  double tunnel_name_score = 0.5;      // a query name scores this or more: suspicious
  std::uint32_t tunnel_names = 20;     // suspicious names under one registered domain
  std::uint32_t tunnel_subdomains = 200;  // distinct subdomains of one registered domain
  double dga_name_score = 0.5;
  std::uint32_t dga_names = 10;        // DGA-looking names from one client
  std::uint32_t nxdomain_responses = 20;  // NXDOMAIN answers to one client
};

struct SmbOptions {
  Micros window = 300 * kMicrosPerSecond;
  std::uint32_t lateral_hosts = 10;     // distinct SMB servers reached by one client
  std::uint32_t ransomware_operations = 100;  // writes + renames by one client
};

struct BruteForceOptions {
  Micros window = 120 * kMicrosPerSecond;
  // Short login sessions from one source to one (target, port). 5: small
  // dictionary attacks (MMT flags 4 in a row); automation that opens many
  // short SSH sessions to one host (Ansible without ControlPersist) also
  // reaches it.
  std::uint32_t attempts = 5;
};

struct BeaconOptions {
  std::uint32_t min_connections = 8;  // to one destination (host, port, proto)
  double max_jitter = 0.1;            // stddev / mean of the intervals
  // 1 s: implants poll every few seconds too (slips test-cc: every 2 s).
  Micros min_interval = 1 * kMicrosPerSecond;
};

struct MlOptions {
  std::string model_path;  // empty: no model, ml_score stays 0
  double alert_score = 0.98;  // 1 - P(benign) at which the model alerts
};

struct DetectOptions {
  bool enabled = true;
  std::uint32_t shards = 0;        // host analyzer threads; 0 = one per two workers
  // Records keep their CIC statistics after scoring (flow.features is not
  // none); otherwise they were computed for the model only.
  bool keep_features = true;
  std::uint32_t max_hosts = 65536; // tracked hosts per shard; the least recent is evicted
  double alert_score = 0.5;        // fast score at which a detector alerts
  Micros alert_window = 60 * kMicrosPerSecond;  // one alert per host and detector per window
  ScanOptions scan;
  FloodOptions flood;
  DnsOptions dns;
  SmbOptions smb;
  BruteForceOptions brute_force;
  BeaconOptions beacon;
  MlOptions ml;
};

}  // namespace mld::detect
