#pragma once
// Beaconing: a source connecting to one destination (host, port, protocol)
// at a steady rhythm, as implants poll their command server. The start
// times of the last connections are kept per destination; the detector
// fires when at least min_connections of them are evenly spaced (standard
// deviation / mean of the intervals <= max_jitter) at min_interval or more.
// Infrastructure that is periodic by design (DNS, NTP, DHCP, NetBIOS, mDNS,
// SSDP) and multicast/broadcast destinations are left out. Only new
// connections count: a TCP flow must open with a SYN, a UDP flow with a new
// source port - a long flow cut by flow timeouts restarts just as evenly.
#include <array>
#include <cstdint>
#include <unordered_map>

#include "detect/detect_context.h"
#include "detect/flow_opened.h"
#include "flow/flow_record.h"

namespace mld::detect {

// The latest connection start times to one destination, in time order:
// connections opened on different workers reach the analyzer in the order
// their workers hand them over, not always the order they started in.
struct ConnectionRhythm {
  static constexpr std::uint32_t kStarts = 32;  // connection start times kept
  std::array<Micros, kStarts> starts{};  // ascending; the first `kept` are used
  std::uint32_t kept = 0;
  std::uint32_t count = 0;  // starts seen
  Micros last = 0;          // the latest start
  float score = 0;          // of the last evaluation

  // Files `start` in order; when full, the earliest start goes (or `start`
  // itself, when it is the earliest). Returns how many kept starts are at
  // or before it (0: it was not kept).
  std::uint32_t add(Micros start);
};

struct BeaconState {
  std::unordered_map<std::uint64_t, ConnectionRhythm> destinations;
};

class BeaconDetector {
 public:
  static constexpr std::size_t kMaxDestinationsPerSource = 64;

  static void on_opened(BeaconState& state, Firing& firing, const FlowOpened& event,
                        DetectContext& context);
  static void score_flow(const BeaconState& state, const flow::FlowRecord& record,
                         const DetectOptions& options, FastScore& score);
};

// Standard deviation / mean of the intervals between `connections` kept
// start times, the last of them the `through`-th (the latest ones when
// `through` is left out); the mean through `mean`. Needs at least two.
double interval_jitter(const ConnectionRhythm& rhythm, std::uint32_t connections, double& mean,
                       std::uint32_t through = ConnectionRhythm::kStarts);

}  // namespace mld::detect
