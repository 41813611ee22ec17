#include "cli/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "cli/detect_settings.h"
#include "decode/decoder.h"

namespace mld::cli {
namespace {

std::vector<SettingSpec> make_schema() {
  using T = SettingType;
  return {
      {"pipeline.workers", T::count, "1", "flow worker threads (each owns its own flow table)", 1,
       64},
      {"pipeline.hash-seed", T::count, "0",
       "seed of the flow hash; 0 picks a random one at start-up (hash-flooding defence)"},
      {"pipeline.channel-depth", T::count, "8", "packet/record batches in flight per worker", 2,
       1024},
      {"decode.tunnels", T::tunnels, "true",
       "remove encapsulations so the innermost flow is the flow: true, false, or a list of "
       "gre,erspan,vxlan,geneve,ipip,gtpu,teredo,capwap"},
      {"flow.profile", T::choice, "cic",
       "flow semantics: cic (spec sections 2-3) or nfstream (idle/active timeouts only)", 0,
       UINT64_MAX, {"cic", "nfstream"}},
      {"flow.max-flows", T::count, "1048576",
       "flows held at once (all workers); when full the least recently active is evicted", 1,
       UINT32_MAX},
      {"flow.vlan-in-key", T::boolean, "true", "VLAN ids are part of the flow key"},
      {"flow.cic.timeout", T::seconds, "120",
       "cic: a flow ends this long after its first packet (at most 4294 s)", 0, 4294},
      {"flow.cic.activity-timeout", T::seconds, "5",
       "the gap that separates active periods (Active/Idle statistics)", 0, 4294},
      {"flow.nfstream.idle-timeout", T::seconds, "120", "nfstream: idle timeout (at most 4294 s)",
       0, 4294},
      {"flow.nfstream.active-timeout", T::seconds, "1800",
       "nfstream: active timeout (at most 4294 s)", 0, 4294},
      {"flow.features", T::choice, "dataset",
       "CIC statistics on every flow: dataset (the released CIC-IDS2017 values, quirks "
       "included), fixed (the quirky columns as intended) or none",
       0, UINT64_MAX, {"dataset", "fixed", "none"}},
      {"flow.tcp-continuation-memory", T::seconds, "0",
       "cic: how long a timed-out TCP flow is remembered for its continuation; 0 = until "
       "evicted by flow.max-tombstones (files) or 3600 (live)"},
      {"flow.max-tombstones", T::count, "1048576",
       "cic: timed-out TCP flows remembered for continuation (all workers)", 1, UINT32_MAX},
      {"app.enabled", T::boolean, "true",
       "the application layer: nDPI classification, TCP reassembly, protocol events (dns, "
       "http, tls, ssh, smb, quic) and app_proto/app_host on flow records"},
      {"stream.depth", T::bytes, "1MiB",
       "TCP bytes per direction reassembled and given to the dissectors; later bytes are "
       "not inspected", 0, UINT32_MAX},
      {"stream.max-pending", T::bytes, "256KiB",
       "out-of-order TCP bytes held per direction while waiting for a hole to fill; beyond "
       "it the hole is skipped (a counted gap)", 0, UINT32_MAX},
      {"stream.memcap", T::bytes, "64MiB",
       "out-of-order TCP bytes held by one worker's flows together; beyond it segments are "
       "dropped (counted) and their holes skipped"},
      {"output.file.path", T::text, "-", "EVE (or CSV) output file; - is standard output"},
      {"output.file.mode", T::choice, "auto",
       "an existing file: truncate, or append (a torn last line is repaired and the signature "
       "chain continues); auto = truncate when reading captures, append when capturing live",
       0, UINT64_MAX, {"auto", "truncate", "append"}},
      {"output.file.policy", T::choice, "auto",
       "when the file's queue is full: block (nothing is lost) or drop (counted); auto = block "
       "when reading captures, drop when capturing live",
       0, UINT64_MAX, {"auto", "block", "drop"}},
      {"output.file.queue", T::count, "16384", "events queued for the file's thread", 256,
       1u << 24},
      {"output.file.rotate-size", T::bytes, "0",
       "rotate the file when it reaches this size (e.g. 100MiB); 0 = never"},
      {"output.file.rotate-interval", T::seconds, "0",
       "rotate the file this many seconds after it was opened (wall clock); 0 = never", 0,
       UINT32_MAX},
      {"output.file.compress", T::choice, "none",
       "compress rotated files: none or zstd (name.zst)", 0, UINT64_MAX, {"none", "zstd"}},
      {"output.file.retain-count", T::count, "0",
       "rotated files kept (oldest deleted first); 0 = no limit"},
      {"output.file.retain-bytes", T::bytes, "0",
       "bytes of rotated files kept (oldest deleted first); 0 = no limit"},
      {"output.signing.key-file", T::text, "",
       "sign every line with HMAC-SHA256 in a hash chain, keyed by this file's raw contents "
       "(at least 32 bytes); empty = unsigned"},
      {"output.zmq.endpoint", T::text, "",
       "also publish every event as protobuf on a ZeroMQ PUB socket bound here "
       "(tcp://host:port or ipc://path); empty = off"},
      {"output.zmq.policy", T::choice, "drop",
       "when the ZeroMQ queue is full: block or drop (counted)", 0, UINT64_MAX,
       {"block", "drop"}},
      {"output.zmq.queue", T::count, "16384", "events queued for the ZeroMQ thread", 256,
       1u << 24},
      {"output.zmq.send-hwm", T::count, "100000",
       "ZeroMQ send high-water mark per subscriber (messages)", 1, UINT32_MAX},
      {"output.zmq.wait-subscribers", T::count, "0",
       "wait for this many subscribers before publishing (replaying captures to tail)", 0,
       1024},
      {"output.zmq.wait-timeout", T::seconds, "10",
       "give up waiting for subscribers after this many seconds", 0, 3600},
      {"output.zmq.curve-secret-key-file", T::text, "",
       "CURVE: this server's secret key (Z85, from `mldefender zmq-keygen`); empty = plain"},
      {"output.zmq.curve-clients-file", T::text, "",
       "CURVE: public keys (Z85, one per line) allowed to subscribe; empty = any client that "
       "knows the server key"},
      {"output.format", T::choice, "eve",
       "eve (JSON lines) or cic-csv (the CIC-IDS2017 CSV columns; the stats record then goes "
       "to standard error)",
       0, UINT64_MAX, {"eve", "cic-csv"}},
      {"capture.snaplen", T::count, "65535", "live: bytes captured per frame", 64, 262144},
      {"capture.ring-mb", T::count, "64", "live: kernel ring size per worker, MiB", 1, 4096},
      {"capture.tick-ms", T::count, "100",
       "live: how often idle workers advance their clock from the wall clock", 1, 10000},
  };
}

const SettingSpec* find_spec(std::string_view key) {
  for (const SettingSpec& spec : Config::schema()) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

// Closest known key, to help with typos.
std::string suggestion(std::string_view key) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
        diagonal = above;
      }
    }
    return row[b.size()];
  };
  const SettingSpec* best = nullptr;
  std::size_t best_distance = 4;  // farther than that is no suggestion
  for (const SettingSpec& spec : Config::schema()) {
    const std::size_t d = distance(key, spec.key);
    if (d < best_distance) best = &spec, best_distance = d;
  }
  return best == nullptr ? "" : " (did you mean '" + best->key + "'?)";
}

bool parse_bool(std::string_view v, bool& out) {
  if (v == "true" || v == "yes" || v == "on" || v == "1") return out = true, true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return out = false, true;
  return false;
}

// `decode.tunnels`: a boolean (every family or none) or a comma-separated list of families.
// On failure `unknown` names the first item that is not a family.
std::optional<std::uint32_t> parse_tunnels(std::string_view v,
                                           std::string_view* unknown = nullptr) {
  namespace family = decode::tunnel_family;
  bool enabled = false;
  if (parse_bool(v, enabled)) return enabled ? family::all : family::none;
  std::uint32_t families = 0;
  while (true) {
    const std::size_t comma = v.find(',');
    const auto family = decode::parse_tunnel_family(v.substr(0, comma));
    if (!family) {
      if (unknown != nullptr) *unknown = v.substr(0, comma);
      return std::nullopt;
    }
    families |= *family;
    if (comma == std::string_view::npos) return families;
    v.remove_prefix(comma + 1);
  }
}

bool parse_uint(std::string_view v, std::uint64_t& out) {
  const auto [end, error] = std::from_chars(v.data(), v.data() + v.size(), out);
  return error == std::errc() && end == v.data() + v.size() && !v.empty();
}

bool parse_seconds(std::string_view v, std::int64_t& micros) {
  double seconds = 0;
  const auto [end, error] = std::from_chars(v.data(), v.data() + v.size(), seconds);
  if (error != std::errc() || end != v.data() + v.size() || v.empty()) return false;
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e9) return false;
  micros = std::llround(seconds * 1e6);
  return true;
}

// A finite decimal number >= 0 (ratios, scores).
bool parse_number(std::string_view v, double& number) {
  const auto [end, error] = std::from_chars(v.data(), v.data() + v.size(), number);
  return error == std::errc() && end == v.data() + v.size() && !v.empty() &&
         std::isfinite(number) && number >= 0;
}

// A byte size: a whole number with an optional unit (k/K/KiB, M/MiB, G/GiB:
// powers of 1024; kB, MB, GB: powers of 1000).
bool parse_bytes(std::string_view v, std::uint64_t& bytes) {
  std::size_t digits = 0;
  while (digits < v.size() && v[digits] >= '0' && v[digits] <= '9') ++digits;
  std::uint64_t number = 0;
  if (!parse_uint(v.substr(0, digits), number)) return false;
  static constexpr std::pair<std::string_view, std::uint64_t> kUnits[] = {
      {"", 1},         {"B", 1},           {"k", 1ull << 10},   {"K", 1ull << 10},
      {"KiB", 1ull << 10}, {"M", 1ull << 20}, {"MiB", 1ull << 20}, {"G", 1ull << 30},
      {"GiB", 1ull << 30}, {"kB", 1000},     {"MB", 1000000},     {"GB", 1000000000}};
  for (const auto& [unit, scale] : kUnits) {
    if (v.substr(digits) != unit) continue;
    if (number > UINT64_MAX / scale) return false;
    bytes = number * scale;
    return true;
  }
  return false;
}

// Why `value` is not valid for `spec`, or an empty string when it is.
std::string validate(const SettingSpec& spec, const std::string& value) {
  switch (spec.type) {
    case SettingType::boolean: {
      bool b = false;
      return parse_bool(value, b) ? "" : "expected true or false";
    }
    case SettingType::count: {
      std::uint64_t n = 0;
      if (!parse_uint(value, n)) return "expected a whole number";
      if (n < spec.min || n > spec.max) {
        return "must be between " + std::to_string(spec.min) + " and " + std::to_string(spec.max);
      }
      return "";
    }
    case SettingType::bytes: {
      std::uint64_t n = 0;
      if (!parse_bytes(value, n)) return "expected a size such as 1048576, 512KiB, 100MiB or 2GiB";
      if (n > spec.max) return "must be at most " + std::to_string(spec.max) + " bytes";
      return "";
    }
    case SettingType::seconds: {
      std::int64_t us = 0;
      if (!parse_seconds(value, us)) return "expected a number of seconds >= 0";
      if (spec.max != UINT64_MAX && us > seconds(static_cast<std::int64_t>(spec.max))) {
        return "must be at most " + std::to_string(spec.max) + " seconds";
      }
      return "";
    }
    case SettingType::number: {
      double n = 0;
      if (!parse_number(value, n)) return "expected a number >= 0";
      if (spec.max != UINT64_MAX && n > static_cast<double>(spec.max)) {
        return "must be at most " + std::to_string(spec.max);
      }
      return "";
    }
    case SettingType::choice:
      if (std::find(spec.choices.begin(), spec.choices.end(), value) != spec.choices.end()) {
        return "";
      } else {
        std::string list;
        for (const std::string& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
        return "expected one of: " + list;
      }
    case SettingType::tunnels: {
      std::string_view unknown;
      return parse_tunnels(value, &unknown) ? "" : "unknown tunnel '" + std::string(unknown) + "'";
    }
    case SettingType::text:  // empty only where empty means "off"
      return value.empty() && !spec.default_value.empty() ? "must not be empty" : "";
  }
  return "";
}

// YAML maps become dotted keys: {flow: {max-flows: 10}} -> flow.max-flows=10.
void flatten(const YAML::Node& node, const std::string& prefix,
             std::vector<std::pair<std::string, YAML::Node>>& out) {
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string name = entry.first.as<std::string>();
      flatten(entry.second, prefix.empty() ? name : prefix + "." + name, out);
    }
  } else {
    out.emplace_back(prefix, node);
  }
}

}  // namespace

const std::vector<SettingSpec>& Config::schema() {
  static const std::vector<SettingSpec> specs = [] {
    std::vector<SettingSpec> all = make_schema();
    for (SettingSpec& spec : detect_settings()) all.push_back(std::move(spec));
    return all;
  }();
  return specs;
}

Config::Config() {
  for (const SettingSpec& spec : schema()) values_[spec.key] = spec.default_value;
}

void Config::load_yaml_file(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ConfigError(path + ": cannot read the configuration file");
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (root.IsNull()) return;
  if (!root.IsMap()) throw ConfigError(path + ": the configuration must be a map of keys");
  std::vector<std::pair<std::string, YAML::Node>> entries;
  flatten(root, "", entries);
  for (const auto& [key, node] : entries) {
    const std::string origin = path + ": line " + std::to_string(node.Mark().line + 1);
    std::string value;
    if (node.IsScalar()) {
      value = node.as<std::string>();
    } else if (node.IsNull()) {  // `key-file:` with nothing after it: off
      value.clear();
    } else if (node.IsSequence()) {  // decode.tunnels: [gre, vxlan]
      for (const auto& item : node) {
        if (!value.empty()) value += ',';
        value += item.as<std::string>();
      }
    } else {
      throw ConfigError(origin + ": " + key + " has no value");
    }
    set(key, value, origin);
  }
}

void Config::set(std::string_view assignment, std::string_view origin) {
  const std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw ConfigError(std::string(origin) + ": '" + std::string(assignment) +
                      "' is not of the form key=value");
  }
  set(std::string(assignment.substr(0, eq)), std::string(assignment.substr(eq + 1)), origin);
}

void Config::set(const std::string& key, const std::string& value, std::string_view origin) {
  const SettingSpec* spec = find_spec(key);
  if (spec == nullptr) {
    throw ConfigError(std::string(origin) + ": unknown key '" + key + "'" + suggestion(key));
  }
  const std::string problem = validate(*spec, value);
  if (!problem.empty()) {
    throw ConfigError(std::string(origin) + ": " + key + ": '" + value + "' " + problem);
  }
  values_[key] = value;
}

const std::string& Config::text(const std::string& key) const { return values_.at(key); }

bool Config::boolean(const std::string& key) const {
  bool b = false;
  parse_bool(values_.at(key), b);
  return b;
}

std::uint64_t Config::count(const std::string& key) const {
  std::uint64_t n = 0;
  parse_uint(values_.at(key), n);
  return n;
}

std::uint64_t Config::bytes(const std::string& key) const {
  std::uint64_t n = 0;
  parse_bytes(values_.at(key), n);
  return n;
}

std::int64_t Config::micros(const std::string& key) const {
  std::int64_t us = 0;
  parse_seconds(values_.at(key), us);
  return us;
}

double Config::number(const std::string& key) const {
  double n = 0;
  parse_number(values_.at(key), n);
  return n;
}

std::uint32_t Config::tunnel_families(const std::string& key) const {
  return parse_tunnels(values_.at(key)).value_or(decode::tunnel_family::none);
}

namespace {

// `value` as a YAML scalar that reads back as itself: quoted when it is empty
// or YAML would take it for something else ("-" is a list item).
std::string yaml_scalar(const std::string& value) {
  constexpr std::string_view kIndicators = "-?:,[]{}#&*!|>'\"%@`";
  const bool plain = !value.empty() &&
                     kIndicators.find(value.front()) == std::string_view::npos &&
                     value.find(": ") == std::string::npos &&
                     value.find(" #") == std::string::npos && value.back() != ' ';
  if (plain) return value;
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

std::string Config::describe() const {
  std::string out = "# mldefender settings (YAML; nested maps or dotted keys via --set)\n";
  for (const SettingSpec& spec : schema()) {
    out += "\n# " + spec.help + "\n# default: " + spec.default_value + "\n";
    out += spec.key + ": " + yaml_scalar(values_.at(spec.key)) + "\n";
  }
  return out;
}

}  // namespace mld::cli
