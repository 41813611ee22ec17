#pragma once
// One shard of the host analyzers: per-host sliding windows over the flows
// and protocol events of the hosts hashed to this shard, the rule detectors
// that read them, and alert aggregation. Single-threaded: each shard runs on
// its own thread and owns its hosts, so nothing here takes a lock. Memory is
// bounded by `DetectOptions::max_hosts` (the least recently seen host is
// evicted and counted) and by per-host caps on every set it keeps.
#include <cstdint>
#include <memory>

#include "app/app_event.h"
#include "common/time.h"
#include "detect/alert.h"
#include "detect/detect_options.h"
#include "detect/flow_opened.h"
#include "flow/flow_record.h"

namespace mld::detect {

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void on_alert(Alert&& alert) = 0;
};

#define MLD_DETECT_COUNTERS(X)                                                  \
  X(flows_opened, "flows_opened")     /* FlowOpened events seen               */ \
  X(flows_scored, "flows_scored")     /* flow records given a detection       */ \
  X(app_events, "app_events")         /* protocol events read (DNS, SMB, ...) */ \
  X(hosts_tracked, "hosts_tracked")   /* hosts given state (cumulative)       */ \
  X(hosts_evicted, "hosts_evicted")   /* dropped for room: max_hosts reached  */ \
  X(set_overflows, "set_overflows")   /* a per-host set was full: not added   */ \
  X(alerts, "alerts")                 /* alerts emitted                       */ \
  X(alerts_aggregated, "alerts_aggregated") /* matches folded into an alert  */ \
  X(flows_opened_dropped, "flows_opened_dropped") /* live: a shard was behind  */

struct DetectStats {
#define MLD_DETECT_FIELD(name, text) std::uint64_t name = 0;
  MLD_DETECT_COUNTERS(MLD_DETECT_FIELD)
#undef MLD_DETECT_FIELD
  std::uint64_t alerts_by_detector[kDetectorCount] = {};
  DetectStats& operator+=(const DetectStats& other);
};

class HostAnalyzer {
 public:
  HostAnalyzer(const DetectOptions& options, AlertSink& alerts);
  ~HostAnalyzer();

  // A flow started. `event.as_source` / `as_target`: which of its hosts
  // belong to this shard.
  void on_flow_opened(const FlowOpened& event);
  // A protocol event of a flow whose source belongs to this shard.
  void on_app_event(const app::AppEvent& event);
  // A flow whose source belongs to this shard ended: update the windows and

  // per-flow rules and what is known of its hosts. The ML score is the
  // caller's (see Fusion).
  void on_flow_end(flow::FlowRecord& record);
  // Traffic time moved on to `now`: close windows, emit aggregated alerts.
  void advance(Micros now);
  // End of input: emit every pending alert.
  void flush();

  const DetectStats& stats() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mld::detect
