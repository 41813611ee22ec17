#pragma once
// The hosts one analyzer shard follows: every detector's per-host state, at
// most `max_hosts` of them. Looking a host up makes it the most recent; a
// new host beyond the limit evicts the least recent one (counted), so a
// flood of spoofed sources costs a bounded amount of memory.
#include <cstdint>
#include <list>
#include <unordered_map>

#include "decode/ip_address.h"
#include "detect/beacon_detector.h"
#include "detect/brute_force_detector.h"
#include "detect/dns_detector.h"
#include "detect/flood_detector.h"
#include "detect/host_window.h"
#include "detect/scan_detector.h"
#include "detect/smb_detector.h"

namespace mld::detect {

struct HostState {
  HostState(const decode::IpAddress& address, const DetectOptions& options);

  decode::IpAddress address;
  Firing firing;
  ScanState scan;         // as a source
  FloodState flood;       // as a target (amplification: as a victim)
  DnsState dns;           // as a client
  SmbState smb;           // as a client
  BruteForceState brute_force;  // as a source
  BeaconState beacon;     // as a source
};

class HostTable {
 public:
  // `max_hosts` is at least 2: a flow's two hosts must fit together.
  HostTable(const DetectOptions& options, DetectStats& stats);

  // The host's state, created (and another host evicted) when needed.
  // References to other hosts stay valid except the one evicted, which is
  // never the host found or inserted by the previous call.
  HostState& find_or_insert(const decode::IpAddress& address);
  // The host's state when it is followed; does not change recency.
  HostState* find(const decode::IpAddress& address);
  std::size_t size() const { return index_.size(); }

 private:
  struct AddressHash {
    std::size_t operator()(const decode::IpAddress& address) const;
  };
  using Recency = std::list<HostState>;  // most recent first

  const DetectOptions& options_;
  DetectStats& stats_;
  std::size_t max_hosts_;
  Recency hosts_;
  std::unordered_map<decode::IpAddress, Recency::iterator, AddressHash> index_;
};

}  // namespace mld::detect
