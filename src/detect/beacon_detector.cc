#include "detect/beacon_detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "detect/detect_keys.h"
#include "detect/target_filter.h"

namespace mld::detect {
namespace {

// TCP connections only: periodic UDP is everyday traffic (voice and game
// keepalives, Discord's once a minute), and DNS beacons are the DNS
// detectors' business.
bool is_new_connection(const FlowOpened& event) {
  namespace tcp_flag = decode::tcp_flag;
  return event.flow.protocol == decode::kProtoTcp &&
         (event.tcp_flags & (tcp_flag::syn | tcp_flag::ack)) == tcp_flag::syn;
}

bool is_periodic_infrastructure(std::uint16_t port) {
  return port == 53 || port == 123 || port == 67 || port == 68 || port == 137 || port == 138 ||
         port == 5353 || port == 1900;
}

std::uint64_t destination_key(const flow::FlowIdentity& flow) {
  return combine_key(host_key(flow.dst_ip), std::uint64_t{flow.protocol} << 16 | flow.dst_port);
}

// Room for a new destination: the one silent the longest goes.
void evict_stalest(BeaconState& state) {
  const auto stalest = std::min_element(
      state.destinations.begin(), state.destinations.end(),
      [](const auto& a, const auto& b) { return a.second.last < b.second.last; });
  state.destinations.erase(stalest);
}

}  // namespace

std::uint32_t ConnectionRhythm::add(Micros start) {
  count += 1;
  last = std::max(last, start);
  const auto begin = starts.begin();
  if (kept == kStarts) {
    if (start <= starts[0]) return 0;
    std::move(begin + 1, begin + kept, begin);
    kept -= 1;
  }
  const auto at = std::upper_bound(begin, begin + kept, start);
  std::move_backward(at, begin + kept, begin + kept + 1);
  *at = start;
  kept += 1;
  return static_cast<std::uint32_t>(at - begin) + 1;
}

double interval_jitter(const ConnectionRhythm& rhythm, std::uint32_t connections, double& mean,
                       std::uint32_t through) {
  const std::uint32_t end = std::clamp(through, std::min(connections, rhythm.kept), rhythm.kept);
  const std::uint32_t used = std::min(end, connections);
  mean = 0;
  if (used < 2) return INFINITY;
  double sum = 0, sum_squares = 0;
  for (std::uint32_t i = end - used + 1; i < end; ++i) {
    const double interval = static_cast<double>(rhythm.starts[i] - rhythm.starts[i - 1]);
    sum += interval;
    sum_squares += interval * interval;
  }
  const double n = used - 1;
  mean = sum / n;
  if (mean <= 0) return INFINITY;
  const double variance = std::max(0.0, sum_squares / n - mean * mean);
  return std::sqrt(variance) / mean;
}

void BeaconDetector::on_opened(BeaconState& state, Firing& firing, const FlowOpened& event,
                               DetectContext& context) {
  const flow::FlowIdentity& flow = event.flow;
  if (!is_new_connection(event) || is_periodic_infrastructure(flow.dst_port) ||
      is_broadcast_or_multicast(flow.dst_ip, flow.ip_version)) {
    return;
  }
  const BeaconOptions& options = context.options.beacon;
  const std::uint64_t key = destination_key(flow);
  if (!state.destinations.contains(key) &&
      state.destinations.size() >= kMaxDestinationsPerSource) {
    context.stats.set_overflows += 1;
    evict_stalest(state);
  }
  ConnectionRhythm& rhythm = state.destinations[key];
  const std::uint32_t through = rhythm.add(event.timestamp);
  rhythm.score = 0;
  if (through == 0 || rhythm.count < options.min_connections) return;
  // Judged over the min_connections connections up to this one, so a beacon
  // that starts after benign irregular traffic is still seen, and a late
  // connection that fills a gap judges the rhythm it just made whole.
  double mean = 0;
  const double jitter = interval_jitter(rhythm, options.min_connections, mean, through);
  if (jitter > options.max_jitter || mean < static_cast<double>(options.min_interval)) return;
  rhythm.score = context.score(rhythm.kept, options.min_connections);
  Match match;
  match.detector = Detector::beaconing;
  match.flow = &flow;
  match.source = flow.src_ip;
  match.target = flow.dst_ip;
  match.target_port = flow.dst_port;
  match.time = event.timestamp;
  match.score = rhythm.score;
  match.evidence = rhythm.count;
  match.detail = fmt::format("{} connections every {:.1f} s (jitter {:.2f})", rhythm.count,
                             mean / kMicrosPerSecond, jitter);
  context.fire(firing, static_cast<Micros>(mean * 2), std::move(match));
}

void BeaconDetector::score_flow(const BeaconState& state, const flow::FlowRecord& record,
                                const DetectOptions& options, FastScore& score) {
  const auto it = state.destinations.find(destination_key(record.identity()));
  if (it == state.destinations.end()) return;
  score.add(Detector::beaconing, it->second.score, options.alert_score);
}

}  // namespace mld::detect
