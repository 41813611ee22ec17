#include "detect/alert_aggregator.h"

#include <algorithm>
#include <utility>

#include "detect/detect_keys.h"

namespace mld::detect {

AlertAggregator::AlertAggregator(Micros window, std::size_t capacity, AlertSink& sink,
                                 DetectStats& stats)
    : window_(window), capacity_(std::max<std::size_t>(capacity, 1)), sink_(sink),
      stats_(stats) {}

std::size_t AlertAggregator::KeyHash::operator()(const Key& key) const {
  std::uint64_t hash = combine_key(host_key(key.source), host_key(key.target));
  hash = combine_key(hash, static_cast<std::uint64_t>(key.detector) << 16 | key.target_port);
  return static_cast<std::size_t>(hash);
}

void AlertAggregator::add(Match&& match) {
  const Key key{match.detector, match.source, match.target, match.target_port};
  if (auto it = pending_.find(key); it != pending_.end()) {
    Alert& alert = it->second;
    alert.count = match.evidence > 0 ? std::max(alert.count, match.evidence) : alert.count + 1;
    alert.first_seen = std::min(alert.first_seen, match.time);
    alert.last_seen = std::max(alert.last_seen, match.time);
    alert.score = std::max(alert.score, match.score);
    alert.detail = std::move(match.detail);
    stats_.alerts_aggregated += 1;
    return;
  }
  if (pending_.size() >= capacity_) emit_oldest();
  Alert alert;
  alert.detector = match.detector;
  if (match.flow != nullptr) alert.flow = *match.flow;
  alert.source_ip = match.source;
  alert.target_ip = match.target;
  alert.source_port = match.source_port;
  alert.target_port = match.target_port;
  alert.timestamp = alert.first_seen = alert.last_seen = match.time;
  alert.count = std::max<std::uint64_t>(match.evidence, 1);
  alert.score = match.score;
  alert.detail = std::move(match.detail);
  pending_.emplace(key, std::move(alert));
  opened_order_.push_back(key);
}

void AlertAggregator::advance(Micros now) {
  // Keys leave in the order their alerts opened; traffic time from several
  // workers is nearly ordered, so a later-opened alert waits at most a little.
  while (!opened_order_.empty()) {
    const auto it = pending_.find(opened_order_.front());
    if (it->second.timestamp + window_ > now) break;
    emit_oldest();
  }
}

void AlertAggregator::flush() {
  while (!opened_order_.empty()) emit_oldest();
}

void AlertAggregator::emit_oldest() {
  const Key key = opened_order_.front();
  opened_order_.pop_front();
  emit(key);
}

void AlertAggregator::emit(const Key& key) {
  auto node = pending_.extract(key);
  stats_.alerts += 1;
  stats_.alerts_by_detector[static_cast<std::size_t>(key.detector)] += 1;
  sink_.on_alert(std::move(node.mapped()));
}

}  // namespace mld::detect
