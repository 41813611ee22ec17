#include "cli/detect_settings.h"

#include <fmt/core.h>

#include <map>
#include <variant>

namespace mld::cli {
namespace {

using detect::DetectOptions;

// Where a setting lives in DetectOptions; its type picks the setting's type.
using Field = std::variant<bool& (*)(DetectOptions&), std::uint32_t& (*)(DetectOptions&),
                           std::uint64_t& (*)(DetectOptions&), Micros& (*)(DetectOptions&),
                           double& (*)(DetectOptions&)>;

struct DetectSetting {
  const char* key;
  const char* help;
  Field field;
  bool at_most_one = false;  // a score or fraction
};

#define MLD_FIELD(member) +[](DetectOptions& o) -> auto& { return o.member; }

const std::vector<DetectSetting>& table() {
  static const std::vector<DetectSetting> settings = {
      {"detect.enabled", "host analyzers, rule detectors and the model score every flow",
       MLD_FIELD(enabled)},
      {"detect.shards", "host analyzer threads; 0 = one per two workers", MLD_FIELD(shards)},
      {"detect.max-hosts", "hosts tracked per analyzer shard; the least recent is evicted",
       MLD_FIELD(max_hosts)},
      {"detect.alert-score", "fast score (0..1) at which a rule detector alerts",
       MLD_FIELD(alert_score), true},
      {"detect.alert-window", "one alert per host and detector per this many seconds",
       MLD_FIELD(alert_window)},
      {"detect.scan.window", "port scans: seconds of traffic looked at", MLD_FIELD(scan.window)},
      {"detect.scan.vertical-ports", "distinct ports of one target probed by one source",
       MLD_FIELD(scan.vertical_ports)},
      {"detect.scan.horizontal-hosts", "distinct targets of one port probed by one source",
       MLD_FIELD(scan.horizontal_hosts)},
      {"detect.scan.udp-ports", "unanswered UDP ports of one target probed by one source",
       MLD_FIELD(scan.udp_ports)},
      {"detect.scan.udp-hosts", "distinct targets of unanswered UDP on one port from one source",
       MLD_FIELD(scan.udp_hosts)},
      {"detect.scan.icmp-hosts", "distinct hosts sent an ICMP echo request by one source",
       MLD_FIELD(scan.icmp_hosts)},
      {"detect.scan.stealth-probes", "NULL/FIN/XMAS/ACK/Maimon probes from one source",
       MLD_FIELD(scan.stealth_probes)},
      {"detect.flood.window", "floods: seconds of traffic looked at", MLD_FIELD(flood.window)},
      {"detect.flood.syn-flows", "half-open TCP flows to one target", MLD_FIELD(flood.syn_flows)},
      {"detect.flood.udp-flows", "UDP flows to one target", MLD_FIELD(flood.udp_flows)},
      {"detect.flood.icmp-flows", "ICMP flows to one target", MLD_FIELD(flood.icmp_flows)},
      {"detect.flood.amplification-ratio",
       "response/request bytes of a UDP flow from an amplification service port",
       MLD_FIELD(flood.amplification_ratio)},
      {"detect.flood.amplification-bytes", "amplified response bytes to one target",
       MLD_FIELD(flood.amplification_bytes)},
      {"detect.dns.window", "DNS tunnels and DGA: seconds of traffic looked at",
       MLD_FIELD(dns.window)},
      {"detect.dns.tunnel-name-score", "a query name scoring this (0..1) looks like a tunnel's",
       MLD_FIELD(dns.tunnel_name_score), true},
      {"detect.dns.tunnel-names", "tunnel-looking names under one registered domain",
       MLD_FIELD(dns.tunnel_names)},
      {"detect.dns.tunnel-subdomains", "distinct subdomains of one registered domain",
       MLD_FIELD(dns.tunnel_subdomains)},
      {"detect.dns.dga-name-score", "a domain scoring this (0..1) looks generated",
       MLD_FIELD(dns.dga_name_score), true},
      {"detect.dns.dga-names", "generated-looking names asked by one client",
       MLD_FIELD(dns.dga_names)},
      {"detect.dns.nxdomain-responses", "NXDOMAIN answers to one client",
       MLD_FIELD(dns.nxdomain_responses)},
      {"detect.smb.window", "SMB: seconds of traffic looked at", MLD_FIELD(smb.window)},
      {"detect.smb.lateral-hosts", "distinct SMB servers reached by one client",
       MLD_FIELD(smb.lateral_hosts)},
      {"detect.smb.ransomware-operations", "SMB writes and renames by one client",
       MLD_FIELD(smb.ransomware_operations)},
      {"detect.brute-force.window", "brute force: seconds of traffic looked at",
       MLD_FIELD(brute_force.window)},
      {"detect.brute-force.attempts", "short login flows from one source to one service",
       MLD_FIELD(brute_force.attempts)},
      {"detect.beacon.min-connections", "connections to one destination before judging them",
       MLD_FIELD(beacon.min_connections)},
      {"detect.beacon.max-jitter", "standard deviation / mean of the intervals (0..1)",
       MLD_FIELD(beacon.max_jitter), true},
      {"detect.beacon.min-interval", "shortest mean interval, seconds, that counts as a beacon",
       MLD_FIELD(beacon.min_interval)},
      {"detect.ml.alert-score", "model score (1 - P(benign)) at which the model alerts",
       MLD_FIELD(ml.alert_score), true},
  };
  return settings;
}

#undef MLD_FIELD

std::string format_default(bool value) { return value ? "true" : "false"; }
std::string format_default(std::uint32_t value) { return std::to_string(value); }
std::string format_default(std::uint64_t value) { return std::to_string(value); }
std::string format_default(double value) { return fmt::format("{}", value); }
std::string format_seconds(Micros value) {
  return fmt::format("{}", static_cast<double>(value) / kMicrosPerSecond);
}

SettingSpec spec_of(const DetectSetting& setting) {
  DetectOptions defaults;
  return std::visit(
      [&](auto field) -> SettingSpec {
        using T = std::remove_reference_t<decltype(field(defaults))>;
        const T value = field(defaults);
        if constexpr (std::is_same_v<T, bool>) {
          return {setting.key, SettingType::boolean, format_default(value), setting.help};
        } else if constexpr (std::is_same_v<T, std::uint32_t>) {
          return {setting.key, SettingType::count, format_default(value), setting.help, 0,
                  UINT32_MAX};
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
          return {setting.key, SettingType::bytes, format_default(value), setting.help};
        } else if constexpr (std::is_same_v<T, Micros>) {
          return {setting.key, SettingType::seconds, format_seconds(value), setting.help, 0,
                  86400};
        } else {
          return {setting.key, SettingType::number, format_default(value), setting.help, 0,
                  setting.at_most_one ? 1 : UINT64_MAX};
        }
      },
      setting.field);
}

void apply(const Config& config, const DetectSetting& setting, DetectOptions& options) {
  std::visit(
      [&](auto field) {
        auto& value = field(options);
        using T = std::remove_reference_t<decltype(value)>;
        if constexpr (std::is_same_v<T, bool>) {
          value = config.boolean(setting.key);
        } else if constexpr (std::is_same_v<T, std::uint32_t>) {
          value = static_cast<std::uint32_t>(config.count(setting.key));
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
          value = config.bytes(setting.key);
        } else if constexpr (std::is_same_v<T, Micros>) {
          value = config.micros(setting.key);
        } else {
          value = config.number(setting.key);
        }
      },
      setting.field);
}

}  // namespace

std::vector<SettingSpec> detect_settings() {
  std::vector<SettingSpec> specs;
  for (const DetectSetting& setting : table()) specs.push_back(spec_of(setting));
  specs.push_back({"detect.ml.model", SettingType::text, MLD_MODEL_DIR "/cicids2017.json",
                   "tree-ensemble model file (`mldefender train`); none = no model (ml_score 0)"});
  return specs;
}

detect::DetectOptions detect_options(const Config& config) {
  DetectOptions options;
  for (const DetectSetting& setting : table()) apply(config, setting, options);
  const std::string& model = config.text("detect.ml.model");
  options.ml.model_path = model == "none" ? "" : model;
  return options;
}

std::shared_ptr<const detect::TreeEnsemble> detect_model(const detect::DetectOptions& options) {
  if (!options.enabled || options.ml.model_path.empty()) return nullptr;
  static std::map<std::string, std::shared_ptr<const detect::TreeEnsemble>> loaded;
  auto& model = loaded[options.ml.model_path];
  if (model == nullptr) {
    try {
      model = std::make_shared<const detect::TreeEnsemble>(
          detect::TreeEnsemble::load(options.ml.model_path));
    } catch (const detect::ModelError& e) {
      throw ConfigError(std::string("detect.ml.model: ") + e.what() +
                        " (--set detect.ml.model=none runs without a model)");
    }
  }
  return model;
}

}  // namespace mld::cli
