#pragma once
// The sensor's configuration: one YAML file plus `--set key=value` overrides.
// Every key has a documented default (`mldefender config` prints them all),
// and every error names the key, the value and where it came from.
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mld::cli {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class SettingType { boolean, count, bytes, seconds, number, choice, tunnels, text };

struct SettingSpec {
  std::string key;
  SettingType type;
  std::string default_value;
  std::string help;
  std::uint64_t min = 0;                 // count
  std::uint64_t max = UINT64_MAX;        // count; seconds, number: the most allowed
  std::vector<std::string> choices = {}; // choice
};

class Config {
 public:
  Config();  // every key at its default

  static const std::vector<SettingSpec>& schema();

  // Throws ConfigError naming the file, key and value.
  void load_yaml_file(const std::string& path);
  // `assignment` is "key=value"; `origin` names where it came from ("--set").
  void set(std::string_view assignment, std::string_view origin);
  void set(const std::string& key, const std::string& value, std::string_view origin);

  const std::string& text(const std::string& key) const;
  bool boolean(const std::string& key) const;
  std::uint64_t count(const std::string& key) const;
  std::uint64_t bytes(const std::string& key) const;  // a `bytes` setting
  std::int64_t micros(const std::string& key) const;  // a `seconds` setting
  double number(const std::string& key) const;        // a `number` setting
  std::uint32_t tunnel_families(const std::string& key) const;  // a `tunnels` setting

  // Every key with its current value and help, as commented YAML.
  std::string describe() const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace mld::cli
