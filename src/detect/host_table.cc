#include "detect/host_table.h"

#include <algorithm>

#include "detect/detect_keys.h"

namespace mld::detect {

HostState::HostState(const decode::IpAddress& host, const DetectOptions& options)
    : address(host), scan(options.scan), flood(options.flood), dns(options.dns), smb(options.smb) {}

HostTable::HostTable(const DetectOptions& options, DetectStats& stats)
    : options_(options), stats_(stats),
      max_hosts_(std::max<std::size_t>(2, options.max_hosts)) {}

std::size_t HostTable::AddressHash::operator()(const decode::IpAddress& address) const {
  return static_cast<std::size_t>(host_key(address));
}

HostState& HostTable::find_or_insert(const decode::IpAddress& address) {
  if (auto it = index_.find(address); it != index_.end()) {
    hosts_.splice(hosts_.begin(), hosts_, it->second);
    return hosts_.front();
  }
  if (index_.size() >= max_hosts_) {
    index_.erase(hosts_.back().address);
    hosts_.pop_back();
    stats_.hosts_evicted += 1;
  }
  hosts_.emplace_front(address, options_);
  index_.emplace(address, hosts_.begin());
  stats_.hosts_tracked += 1;
  return hosts_.front();
}

HostState* HostTable::find(const decode::IpAddress& address) {
  const auto it = index_.find(address);
  return it == index_.end() ? nullptr : &*it->second;
}

}  // namespace mld::detect
