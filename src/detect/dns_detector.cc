#include "detect/dns_detector.h"

#include <fmt/format.h>

#include <algorithm>

#include "detect/detect_keys.h"
#include "detect/name_scores.h"

namespace mld::detect {
namespace {

bool is_data_record(std::string_view rrtype) {
  return rrtype == "TXT" || rrtype == "NULL" || rrtype == "CNAME" || rrtype == "MX" ||
         rrtype == "ANY" || rrtype == "10";
}

class NameCounter {
 public:
  NameCounter(DnsState& state, Firing& firing, const flow::FlowIdentity& flow, Micros now,
              DetectContext& context)
      : state_(state), firing_(firing), flow_(flow), now_(now), context_(context) {
    if (state_.window.restart_if_over(now, context.options.dns.window)) {
      state_.domains.clear();
      state_.generated_domains.clear();
      state_.nxdomain = 0;
    }
  }

  void query(std::string_view name, std::string_view rrtype, bool nxdomain) {
    if (name.empty()) return;
    const std::string_view domain = registered_domain(name);
    if (nxdomain) state_.nxdomain += 1;
    count_generated(domain);
    const std::string_view subdomain = subdomain_part(name);
    if (subdomain.empty()) return;
    DomainActivity* activity = activity_of(domain);
    if (activity == nullptr) return;
    activity->queries += 1;
    if (is_data_record(rrtype)) activity->data_record_queries += 1;
    if (context_.insert(activity->subdomains, name_key(subdomain)) == InsertResult::inserted &&
        tunnel_name_score(name) >= context_.options.dns.tunnel_name_score) {
      activity->encoded_names += 1;
    }
    check_tunnel(domain, *activity);
  }
  void check_dga() {
    const DnsOptions& options = context_.options.dns;
    const std::uint32_t generated = static_cast<std::uint32_t>(state_.generated_domains.size());
    const double evidence =
        std::max<double>(generated, state_.nxdomain >= options.nxdomain_responses
                                        ? 2.0 * generated
                                        : 0.0);
    if (evidence < options.dga_names) return;
    Match match = client_match(Detector::dga, context_.score(evidence, options.dga_names),
                               fmt::format("{} generated-looking domains, {} NXDOMAIN in {} s",
                                           generated, state_.nxdomain, elapsed()));
    match.evidence = generated;
    context_.fire(firing_, options.window, std::move(match));
  }

 private:
  DomainActivity* activity_of(std::string_view domain) {
    const std::uint64_t key = name_key(domain);
    if (auto it = state_.domains.find(key); it != state_.domains.end()) return &it->second;
    if (state_.domains.size() >= DnsDetector::kMaxDomainsPerClient) {
      context_.stats.set_overflows += 1;
      return nullptr;
    }
    return &state_.domains.emplace(key, DomainActivity(context_.options.dns.tunnel_subdomains))
                .first->second;
  }
  void count_generated(std::string_view domain) {
    if (dga_name_score(domain) < context_.options.dns.dga_name_score) return;
    context_.insert(state_.generated_domains, name_key(domain));
  }
  void check_tunnel(std::string_view domain, const DomainActivity& activity) {
    const DnsOptions& options = context_.options.dns;
    // A domain asked mostly for records that carry data back needs half the names.
    const bool data_heavy = 2 * activity.data_record_queries >= activity.queries;
    const double names_needed = data_heavy ? options.tunnel_names / 2.0 : options.tunnel_names;
    const double ratio =
        std::max(activity.encoded_names / std::max(names_needed, 1.0),
                 static_cast<double>(activity.subdomains.size()) / options.tunnel_subdomains);
    if (ratio < 1) return;
    Match match = client_match(
        Detector::dns_tunnel, context_.score(ratio, 1.0),
        fmt::format("{} encoded-looking names, {} subdomains of {} ({} queries, {} TXT/NULL/"
                    "CNAME/MX) in {} s",
                    activity.encoded_names, activity.subdomains.size(), domain, activity.queries,
                    activity.data_record_queries, elapsed()));
    match.evidence = activity.queries;
    context_.fire(firing_, options.window, std::move(match));
  }
  Match client_match(Detector detector, float score, std::string detail) const {
    Match match;
    match.detector = detector;
    match.flow = &flow_;
    match.source = flow_.src_ip;
    match.target = flow_.dst_ip;
    match.time = now_;
    match.score = score;
    match.detail = std::move(detail);
    return match;
  }
  long long elapsed() const { return state_.window.elapsed(now_) / kMicrosPerSecond; }

  DnsState& state_;
  Firing& firing_;
  const flow::FlowIdentity& flow_;
  Micros now_;
  DetectContext& context_;
};

}  // namespace

DnsState::DnsState(const DnsOptions& options)
    : generated_domains(std::max<std::size_t>(16, 4 * std::size_t{options.dga_names})) {}

bool is_dns_flow(const flow::FlowRecord& record) {
  return record.dst_port == 53 || record.app.proto.view().starts_with("DNS");
}

void DnsDetector::on_event(DnsState& state, Firing& firing, const app::DnsEvent& dns,
                           const flow::FlowIdentity& flow, Micros now, DetectContext& context) {
  NameCounter counter(state, firing, flow, now, context);
  const bool nxdomain = dns.response && dns.rcode == "NXDOMAIN";
  for (const app::DnsQuery& query : dns.queries) {
    counter.query(query.rrname, query.rrtype, nxdomain);
  }
  if (nxdomain && dns.queries.empty()) state.nxdomain += 1;
  counter.check_dga();
}

void DnsDetector::on_flow_end(DnsState& state, Firing& firing, const flow::FlowRecord& record,
                              DetectContext& context) {
  if (!is_dns_flow(record) || record.app.host.empty()) return;
  const flow::FlowIdentity flow = record.identity();
  NameCounter counter(state, firing, flow, record.end, context);
  counter.query(record.app.host.view(), "", false);
  counter.check_dga();
}

void DnsDetector::score_flow(const Firing& firing, const flow::FlowRecord& record, Micros now,
                             const DetectOptions& options, FastScore& score) {
  if (!is_dns_flow(record)) return;
  const double alert = options.alert_score;
  score.add(Detector::dns_tunnel, firing.score(Detector::dns_tunnel, now), alert);
  score.add(Detector::dga, firing.score(Detector::dga, now), alert);
  const std::string_view name = record.app.host.view();
  if (name.empty()) return;
  // One name is partial evidence only: below the alert score.
  const auto partial = [&](double name_score) {
    return static_cast<float>(alert * 0.9 * std::clamp(name_score, 0.0, 1.0));
  };
  score.add(Detector::dns_tunnel, partial(tunnel_name_score(name)), alert);
  score.add(Detector::dga, partial(dga_name_score(registered_domain(name))), alert);
}

}  // namespace mld::detect
