#include "cli/run_command.h"

#include <fmt/core.h>

#include <csignal>
#include <memory>
#include <random>

#include "capture/pcap_file_reader.h"
#include "common/wall_clock.h"
#include "cli/detect_settings.h"
#include "cli/run_output.h"
#include "pipeline/file_pipeline.h"
#include "pipeline/live_pipeline.h"
#include "pipeline/shutdown.h"

namespace mld::cli {
namespace {

std::uint64_t random_seed() {
  std::random_device device;
  return (std::uint64_t{device()} << 32) | device() | 1;
}

void install_signal_handlers() {
  std::signal(SIGINT, [](int) { pipeline::request_shutdown(); });
  std::signal(SIGTERM, [](int) { pipeline::request_shutdown(); });
  // Write errors are reported through errno, not by killing the process.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);
}

void report(const std::string& line) { fmt::print(stderr, "mldefender: {}\n", line); }

std::unique_ptr<RunOutput> open_output(const Config& config, std::vector<std::string> inputs,
                                       bool live) {
  try {
    return std::make_unique<RunOutput>(config, std::move(inputs), live);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    report(std::string("error: ") + e.what());
    return nullptr;
  }
}

// What every run ends with: its errors, the stats record, a summary line and
// the exit status.
int finish_run(const pipeline::RunResult& result, RunOutput& output, const std::string& summary) {
  for (const std::string& error : result.input_errors) report("error: " + error);
  const std::string sink_error = output.finish(result.stats, wall_clock_now());
  const std::string& output_error = result.output_error.empty() ? sink_error : result.output_error;
  if (!output_error.empty()) {
    report("error: " + output_error);
    return kExitOutputError;
  }
  report(summary);
  return result.input_errors.empty() ? kExitOk : kExitInputError;
}

int run_files(const Config& config, const std::vector<std::string>& arguments) {
  const std::vector<std::string> inputs = capture::expand_capture_inputs(arguments);
  if (inputs.size() > UINT16_MAX) {
    throw ConfigError("too many capture files (" + std::to_string(inputs.size()) + ", at most " +
                      std::to_string(UINT16_MAX) + ")");
  }
  const pipeline::PipelineOptions options = make_pipeline_options(config, /*live=*/false);
  const std::unique_ptr<RunOutput> output = open_output(config, inputs, /*live=*/false);
  if (output == nullptr) return kExitOutputError;

  const pipeline::RunResult result =
      pipeline::run_file_pipeline(options, inputs, output->consumer());
  const auto& s = result.stats;
  return finish_run(result, *output,
                    fmt::format("{} input(s), {} packets, {} flows, {} packets without a flow",
                                s.capture.inputs, s.decode.packets_read, s.flow.created,
                                s.decode.dropped()));
}

// Until SIGINT/SIGTERM. Throws capture::CaptureError when the interface
// cannot be opened (missing, down, no permission).
int run_live(const Config& config, const std::string& interface) {
  pipeline::LiveOptions live;
  live.interface = interface;
  live.snaplen = static_cast<std::uint32_t>(config.count("capture.snaplen"));
  live.ring_bytes = static_cast<std::size_t>(config.count("capture.ring-mb")) << 20;
  live.tick_ms = static_cast<std::uint32_t>(config.count("capture.tick-ms"));
  const pipeline::PipelineOptions options = make_pipeline_options(config, /*live=*/true);
  const std::unique_ptr<RunOutput> output = open_output(config, {}, /*live=*/true);
  if (output == nullptr) return kExitOutputError;
  live.on_capturing = [&] {
    report(fmt::format("capturing on -i {} with {} worker(s); SIGINT or SIGTERM stops", interface,
                       options.workers));
  };

  const pipeline::RunResult result =
      pipeline::run_live_pipeline(options, live, output->consumer());
  const auto& s = result.stats;
  return finish_run(
      result, *output,
      fmt::format("-i {}: {} packets ({} dropped by the kernel), {} flows, {} packets without a "
                  "flow, {} forwarded between workers",
                  interface, s.decode.packets_read, s.capture.kernel_drops, s.flow.created,
                  s.decode.dropped(), s.dispatch.packets_forwarded));
}

}  // namespace

pipeline::PipelineOptions make_pipeline_options(const Config& config, bool live) {
  pipeline::PipelineOptions options;
  options.workers = static_cast<unsigned>(config.count("pipeline.workers"));
  options.channel_depth = static_cast<std::uint32_t>(config.count("pipeline.channel-depth"));
  options.decoder.tunnels = config.tunnel_families("decode.tunnels");

  flow::FlowTrackerOptions& flow = options.flow;
  flow.max_flows = static_cast<std::uint32_t>(config.count("flow.max-flows"));
  flow.max_tombstones = static_cast<std::uint32_t>(config.count("flow.max-tombstones"));
  flow.key.vlan_in_key = config.boolean("flow.vlan-in-key");
  flow.hash_seed = config.count("pipeline.hash-seed");
  if (flow.hash_seed == 0) flow.hash_seed = random_seed();
  if (flow::parse_flow_profile(config.text("flow.profile")) == flow::FlowProfile::nfstream) {
    flow.rules = flow::LifecycleRules::nfstream(config.micros("flow.nfstream.idle-timeout"),
                                                config.micros("flow.nfstream.active-timeout"));
  } else {
    flow.rules = flow::LifecycleRules::cic(config.micros("flow.cic.timeout"));
  }
  flow.features = feature_profile(config).has_value();
  flow.activity_timeout = config.micros("flow.cic.activity-timeout");
  flow.tombstone_lifetime = config.micros("flow.tcp-continuation-memory");
  if (live && flow.tombstone_lifetime == 0) flow.tombstone_lifetime = seconds(3600);

  options.app_layer = config.boolean("app.enabled");
  options.app.stream.depth = static_cast<std::uint32_t>(config.bytes("stream.depth"));
  options.app.stream.max_pending = static_cast<std::uint32_t>(config.bytes("stream.max-pending"));
  options.app.stream_memcap = config.bytes("stream.memcap");

  options.detect = detect_options(config);
  options.model = detect_model(options.detect);
  // The model reads the statistics even when the records do not carry them.
  options.detect.keep_features = flow.features;
  flow.features = flow.features || options.model != nullptr;
  return options;
}

int run_command(const RunArguments& arguments) {
  Config config;
  try {
    if (!arguments.config_file.empty()) config.load_yaml_file(arguments.config_file);
    for (const std::string& assignment : arguments.sets) config.set(assignment, "--set");
    if (arguments.read.empty() == arguments.interface.empty()) {
      throw ConfigError("give either -r FILE (capture files) or -i IFACE (live capture)");
    }
    if (config.text("output.format") == "cic-csv" && !feature_profile(config)) {
      throw ConfigError("output.format cic-csv needs the statistics: flow.features is none");
    }
  } catch (const ConfigError& e) {
    report(std::string("error: ") + e.what());
    return kExitUsage;
  }

  install_signal_handlers();
  try {
    if (!arguments.interface.empty()) return run_live(config, arguments.interface);
    return run_files(config, arguments.read);
  } catch (const ConfigError& e) {
    report(std::string("error: ") + e.what());
    return kExitUsage;
  } catch (const capture::CaptureError& e) {  // an input that does not exist or cannot open
    report(std::string("error: ") + e.what());
    return kExitInputError;
  }
}

}  // namespace mld::cli
