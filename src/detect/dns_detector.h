#pragma once
// DNS tunnels and exfiltration, and DGA malware, per client. Tunnels: under
// one registered domain, many query names that look like encoded data
// (tunnel_name_score), or many distinct subdomains; domains queried mostly
// for TXT/NULL/CNAME/MX records (what tunnels use to carry data back) need
// half as many. DGA: many distinct generated-looking domains
// (dga_name_score), or NXDOMAIN answers with half as many.
#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "app/app_event.h"
#include "detect/detect_context.h"
#include "flow/flow_record.h"

namespace mld::detect {

struct DomainActivity {
  explicit DomainActivity(std::size_t subdomain_capacity) : subdomains(subdomain_capacity) {}
  CappedSet subdomains;  // distinct names under the domain
  std::uint32_t encoded_names = 0;  // new names scoring tunnel_name_score or more
  std::uint32_t queries = 0;
  std::uint32_t data_record_queries = 0;  // TXT, NULL, CNAME, MX, ANY
};

struct DnsState {
  explicit DnsState(const DnsOptions& options);

  Window window;
  std::unordered_map<std::uint64_t, DomainActivity> domains;  // by registered domain
  CappedSet generated_domains;  // distinct registered domains scoring dga_name_score or more
  std::uint32_t nxdomain = 0;
};

class DnsDetector {
 public:
  // Domains followed per client: beyond, new domains are not followed (counted
  // as set overflows) until the window restarts.
  static constexpr std::size_t kMaxDomainsPerClient = 8;

  static void on_event(DnsState& state, Firing& firing, const app::DnsEvent& dns,
                       const flow::FlowIdentity& flow, Micros now, DetectContext& context);
  // The record's query name (app.host of a DNS flow) when no event carried it.
  static void on_flow_end(DnsState& state, Firing& firing, const flow::FlowRecord& record,
                          DetectContext& context);
  static void score_flow(const Firing& firing, const flow::FlowRecord& record, Micros now,
                         const DetectOptions& options, FastScore& score);
};

bool is_dns_flow(const flow::FlowRecord& record);

}  // namespace mld::detect
