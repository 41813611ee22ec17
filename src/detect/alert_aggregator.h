#pragma once
// Folds detector matches into one alert per (detector, source, target,
// target port) and window: the first match opens the alert (its timestamp:
// when the threshold was crossed), later ones raise `count`, `last_seen`,
// the score and the detail. An alert is emitted once `alert_window` has
// passed since its first match, or at flush(). At most `capacity` alerts
// wait; when full, the oldest is emitted early (nothing is lost).
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

#include "common/time.h"
#include "detect/alert.h"
#include "detect/host_analyzer.h"

namespace mld::detect {

// One piece of evidence of a firing detector.
struct Match {
  Detector detector = Detector::ml;
  const flow::FlowIdentity* flow = nullptr;  // the flow that brought the evidence
  decode::IpAddress source, target;
  std::uint16_t source_port = 0, target_port = 0;
  Micros time = 0;
  float score = 0;
  // A counting detector's running count (ports, hosts, attempts...): the
  // alert's count is the largest one seen. 0: the match is one more event.
  std::uint64_t evidence = 0;
  std::string detail;
};

class AlertAggregator {
 public:
  AlertAggregator(Micros window, std::size_t capacity, AlertSink& sink, DetectStats& stats);

  void add(Match&& match);
  void advance(Micros now);  // emit the alerts whose window has closed
  void flush();              // emit every waiting alert

 private:
  struct Key {
    Detector detector;
    decode::IpAddress source, target;
    std::uint16_t target_port;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const;
  };

  void emit(const Key& key);
  void emit_oldest();

  Micros window_;
  std::size_t capacity_;
  AlertSink& sink_;
  DetectStats& stats_;
  std::unordered_map<Key, Alert, KeyHash> pending_;
  std::deque<Key> opened_order_;  // keys of `pending_`, oldest first
};

}  // namespace mld::detect
