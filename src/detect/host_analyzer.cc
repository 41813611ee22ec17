#include "detect/host_analyzer.h"

#include <variant>

#include "detect/alert_aggregator.h"
#include "detect/fusion.h"
#include "detect/host_table.h"

namespace mld::detect {

DetectStats& DetectStats::operator+=(const DetectStats& other) {
#define MLD_DETECT_ADD(name, text) name += other.name;
  MLD_DETECT_COUNTERS(MLD_DETECT_ADD)
#undef MLD_DETECT_ADD
  for (std::size_t i = 0; i < kDetectorCount; ++i) {
    alerts_by_detector[i] += other.alerts_by_detector[i];
  }
  return *this;
}

struct HostAnalyzer::State {
  State(const DetectOptions& detect_options, AlertSink& sink)
      : options(detect_options),
        alerts(options.alert_window, std::max<std::size_t>(options.max_hosts, 1), sink, stats),
        hosts(options, stats),
        context{options, alerts, stats} {}

  void report_ml(const flow::FlowRecord& record);
  FastScore score(const flow::FlowRecord& record, HostState& source,
                  const HostState* amplification_victim);

  DetectOptions options;
  DetectStats stats;
  AlertAggregator alerts;
  HostTable hosts;
  DetectContext context;
};

HostAnalyzer::HostAnalyzer(const DetectOptions& options, AlertSink& alerts)
    : state_(std::make_unique<State>(options, alerts)) {}

HostAnalyzer::~HostAnalyzer() = default;

void HostAnalyzer::on_flow_opened(const FlowOpened& event) {
  State& s = *state_;
  s.stats.flows_opened += 1;
  if (event.as_source) {
    HostState& source = s.hosts.find_or_insert(event.flow.src_ip);
    ScanDetector::on_opened(source.scan, source.firing, event, s.context);
    SmbDetector::on_opened(source.smb, source.firing, event, s.context);
    BeaconDetector::on_opened(source.beacon, source.firing, event, s.context);
  }
  if (event.as_target) {
    HostState& target = s.hosts.find_or_insert(event.flow.dst_ip);
    FloodDetector::on_opened_target(target.flood, target.firing, event, s.context);
  }
}

void HostAnalyzer::on_app_event(const app::AppEvent& event) {
  State& s = *state_;
  s.stats.app_events += 1;
  if (const auto* dns = std::get_if<app::DnsEvent>(&event.body)) {
    HostState& client = s.hosts.find_or_insert(event.flow.src_ip);
    DnsDetector::on_event(client.dns, client.firing, *dns, event.flow, event.timestamp,
                          s.context);
  } else if (const auto* smb = std::get_if<app::SmbEvent>(&event.body)) {
    HostState& client = s.hosts.find_or_insert(event.flow.src_ip);
    SmbDetector::on_event(client.smb, client.firing, *smb, event.flow, event.timestamp,
                          s.context);
  }
}

void HostAnalyzer::on_flow_end(flow::FlowRecord& record) {
  State& s = *state_;
  s.stats.flows_scored += 1;
  HostState& source = s.hosts.find_or_insert(record.src_ip);
  ScanDetector::on_flow_end(source.scan, source.firing, record, s.context);
  BruteForceDetector::on_flow_end(source.brute_force, source.firing, record, s.context);
  DnsDetector::on_flow_end(source.dns, source.firing, record, s.context);
  // Amplified responses count against their victim, which is this flow's
  // destination when only the responses were seen: followed here too.
  const decode::IpAddress* victim_ip = FloodDetector::amplification_victim(record);
  HostState& victim = victim_ip == nullptr || *victim_ip == record.src_ip
                          ? source
                          : s.hosts.find_or_insert(*victim_ip);
  FloodDetector::on_flow_end(victim.flood, victim.firing, record, s.context);
  s.report_ml(record);
  fuse(s.score(record, source, victim_ip == nullptr ? nullptr : &victim), s.options,
       record.detection);
}

void HostAnalyzer::State::report_ml(const flow::FlowRecord& record) {
  if (record.detection.ml_score < options.ml.alert_score) return;
  const flow::FlowIdentity flow = record.identity();
  Match match;
  match.detector = Detector::ml;
  match.flow = &flow;
  match.source = record.src_ip;
  match.target = record.dst_ip;  // one alert per target, whatever ports the flows used
  match.time = record.end;
  match.score = record.detection.ml_score;
  match.detail = std::string(record.detection.ml_label.view());
  alerts.add(std::move(match));
}

FastScore HostAnalyzer::State::score(const flow::FlowRecord& record, HostState& source,
                                     const HostState* amplification_victim) {
  FastScore fast;
  const Micros now = record.end;
  ScanDetector::score_flow(source.firing, record, now, options, fast);
  BruteForceDetector::score_flow(source.firing, record, now, options, fast);
  DnsDetector::score_flow(source.firing, record, now, options, fast);
  SmbDetector::score_flow(source.firing, record.identity(), now, options, fast);
  BeaconDetector::score_flow(source.beacon, record, options, fast);
  // The target's floods are known here only when it hashes to this shard.
  if (const HostState* target = hosts.find(record.dst_ip)) {
    FloodDetector::score_flow(target->firing, record, now, options, fast);
  }
  if (amplification_victim != nullptr) {
    FloodDetector::score_amplification(amplification_victim->firing, now, options, fast);
  }
  return fast;
}

void HostAnalyzer::advance(Micros now) { state_->alerts.advance(now); }

void HostAnalyzer::flush() { state_->alerts.flush(); }

const DetectStats& HostAnalyzer::stats() const { return state_->stats; }

}  // namespace mld::detect
