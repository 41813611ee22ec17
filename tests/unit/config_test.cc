#include "cli/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "cli/run_command.h"
#include "tools/pcap_builder.h"

namespace mld::cli {
namespace {

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string write_yaml(const std::string& name, const std::string& text) {
  const std::string path = testing::temp_path(name);
  std::ofstream(path) << text;
  return path;
}

TEST(Config, EveryKeyHasADefaultThatValidates) {
  Config config;
  for (const SettingSpec& spec : Config::schema()) {
    EXPECT_NO_THROW(config.set(spec.key, spec.default_value, "default")) << spec.key;
    EXPECT_FALSE(spec.help.empty()) << spec.key;
  }
}

TEST(Config, UnknownKeyIsNamedWithASuggestion) {
  Config config;
  EXPECT_EQ(error_of([&] { config.set("flow.max-flow=10", "--set"); }),
            "--set: unknown key 'flow.max-flow' (did you mean 'flow.max-flows'?)");
  EXPECT_EQ(error_of([&] { config.set("nonsense=1", "--set"); }), "--set: unknown key 'nonsense'");
}

TEST(Config, BadValuesNameKeyValueAndRule) {
  Config config;
  EXPECT_EQ(error_of([&] { config.set("flow.max-flows=abc", "--set"); }),
            "--set: flow.max-flows: 'abc' expected a whole number");
  EXPECT_EQ(error_of([&] { config.set("pipeline.workers=0", "--set"); }),
            "--set: pipeline.workers: '0' must be between 1 and 64");
  EXPECT_EQ(error_of([&] { config.set("flow.profile=argus", "--set"); }),
            "--set: flow.profile: 'argus' expected one of: cic, nfstream");
  EXPECT_EQ(error_of([&] { config.set("decode.tunnels=gre,ppp", "--set"); }),
            "--set: decode.tunnels: 'gre,ppp' unknown tunnel 'ppp'");
  EXPECT_EQ(error_of([&] { config.set("flow.cic.timeout=-3", "--set"); }),
            "--set: flow.cic.timeout: '-3' expected a number of seconds >= 0");
  EXPECT_EQ(error_of([&] { config.set("workers", "--set"); }),
            "--set: 'workers' is not of the form key=value");
}

TEST(Config, YamlNestedMapsAndListsBecomeSettings) {
  Config config;
  config.load_yaml_file(write_yaml("good.yaml",
                                   "flow:\n  profile: nfstream\n  max-flows: 5000\n"
                                   "decode:\n  tunnels: [gre, vxlan]\n"));
  EXPECT_EQ(config.text("flow.profile"), "nfstream");
  EXPECT_EQ(config.count("flow.max-flows"), 5000u);
  EXPECT_EQ(config.text("decode.tunnels"), "gre,vxlan");
  const auto options = make_pipeline_options(config, false);
  EXPECT_EQ(options.decoder.tunnels, decode::tunnel_family::gre | decode::tunnel_family::vxlan);
  EXPECT_EQ(options.flow.rules.profile, flow::FlowProfile::nfstream);
}

TEST(Config, TunnelsAreABooleanOrAListOfFamilies) {
  namespace family = decode::tunnel_family;
  const auto tunnels_of = [](const std::string& value) {
    Config config;
    config.set("decode.tunnels", value, "--set");
    return config.tunnel_families("decode.tunnels");
  };
  EXPECT_EQ(tunnels_of("true"), family::all);
  EXPECT_EQ(tunnels_of("off"), family::none);
  EXPECT_EQ(tunnels_of("none"), family::none);
  EXPECT_EQ(tunnels_of("capwap"), family::capwap);
  EXPECT_EQ(tunnels_of("gre,ipip,teredo"), family::gre | family::ipip | family::teredo);
  Config config;
  EXPECT_EQ(error_of([&] { config.set("decode.tunnels=gre,", "--set"); }),
            "--set: decode.tunnels: 'gre,' unknown tunnel ''");
}

TEST(Config, YamlErrorsNameFileAndLine) {
  Config config;
  const std::string path = write_yaml("bad.yaml", "flow:\n  profile: cic\n  max-flows: lots\n");
  EXPECT_EQ(error_of([&] { config.load_yaml_file(path); }),
            path + ": line 3: flow.max-flows: 'lots' expected a whole number");
  const std::string broken = write_yaml("broken.yaml", "flow: [unclosed\n");
  EXPECT_NE(error_of([&] { config.load_yaml_file(broken); }).find(broken + ": line"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { config.load_yaml_file("/nonexistent/x.yaml"); }),
            "/nonexistent/x.yaml: cannot read the configuration file");
}

TEST(Config, SecondsAcceptFractions) {
  Config config;
  config.set("flow.cic.timeout=0.5", "--set");
  EXPECT_EQ(config.micros("flow.cic.timeout"), 500000);
}

}  // namespace
}  // namespace mld::cli

namespace mld::cli {
namespace {

TEST(Config, DescribeReadsBackAsTheSameSettings) {
  Config written;
  written.set("output.file.path", "-", "test");  // YAML would read a bare - as a list item
  written.set("output.signing.key-file", "/etc/mld/a key: with # marks \"quoted\"", "test");
  written.set("flow.profile", "nfstream", "test");
  Config read;
  read.load_yaml_file(write_yaml("described.yaml", written.describe()));
  for (const SettingSpec& spec : Config::schema()) {
    EXPECT_EQ(read.text(spec.key), written.text(spec.key)) << spec.key;
  }
}

TEST(Config, AnEmptyYamlValueTurnsAnOptionalSettingOff) {
  Config config;
  config.set("output.signing.key-file", "/some/key", "test");
  config.load_yaml_file(write_yaml("empty.yaml", "output:\n  signing:\n    key-file:\n"));
  EXPECT_EQ(config.text("output.signing.key-file"), "");
  EXPECT_NE(error_of([&] {
              config.load_yaml_file(write_yaml("empty2.yaml", "flow:\n  profile:\n"));
            }).find("flow.profile"),
            std::string::npos);
}

TEST(Config, ByteSizesTakeUnits) {
  Config config;
  const std::pair<const char*, std::uint64_t> sizes[] = {
      {"0", 0}, {"4096", 4096}, {"512KiB", 512u << 10}, {"100MiB", 100u << 20},
      {"2GiB", 2ull << 30}, {"3k", 3u << 10}, {"2GB", 2'000'000'000}, {"7kB", 7000}};
  for (const auto& [text, bytes] : sizes) {
    config.set("output.file.rotate-size", text, "test");
    EXPECT_EQ(config.bytes("output.file.rotate-size"), bytes) << text;
  }
  for (const char* bad : {"1.5MiB", "12XB", "MiB", "-1", "99999999999999999999"}) {
    EXPECT_NE(error_of([&] { config.set("output.file.rotate-size", bad, "test"); })
                  .find("output.file.rotate-size"),
              std::string::npos)
        << bad;
  }
}

}  // namespace
}  // namespace mld::cli
