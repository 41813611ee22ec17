#include "cli/run_output.h"

#include <cstdio>

#include "output/file_sink.h"
#include "output/zmq_sink.h"

namespace mld::cli {
namespace {

using output::QueuePolicy;

// Queues are configured in events; a batch carries up to kMaxEvents.
std::size_t queue_batches(const Config& config, const std::string& key) {
  return static_cast<std::size_t>(config.count(key) / output::EventBatch::kMaxEvents);
}

std::shared_ptr<const output::SigningKey> signing_key(const Config& config) {
  const std::string& path = config.text("output.signing.key-file");
  if (path.empty()) return nullptr;
  return std::make_shared<const output::SigningKey>(output::SigningKey::load(path));
}

void check_csv_settings(const Config& config) {
  if (!config.text("output.signing.key-file").empty()) {
    throw ConfigError("output.signing.key-file signs EVE lines; output.format is cic-csv");
  }
  if (config.bytes("output.file.rotate-size") != 0 ||
      config.micros("output.file.rotate-interval") != 0) {
    throw ConfigError("output.file.rotate-*: rotation needs output.format eve (a CSV file has "
                      "one header)");
  }
}

std::unique_ptr<output::SinkThread> make_file_sink(
    const Config& config, bool live, std::shared_ptr<const output::SigningKey> key) {
  output::FileSinkOptions options;
  options.path = config.text("output.file.path");
  const std::string& mode = config.text("output.file.mode");
  options.append = mode == "append" || (mode == "auto" && live);
  options.rotate_size = config.bytes("output.file.rotate-size");
  options.rotate_interval = config.micros("output.file.rotate-interval");
  options.compress = config.text("output.file.compress") == "zstd";
  options.retain_count = config.count("output.file.retain-count");
  options.retain_bytes = config.bytes("output.file.retain-bytes");
  options.signing_key = std::move(key);
  const std::string& policy = config.text("output.file.policy");
  const QueuePolicy queue_policy =
      policy == "auto" ? (live ? QueuePolicy::drop : QueuePolicy::block)
                       : output::parse_queue_policy(policy);
  return std::make_unique<output::SinkThread>(options.path == "-" ? "stdout" : "file",
                                              output::make_file_sink(options), queue_policy,
                                              queue_batches(config, "output.file.queue"));
}

std::unique_ptr<output::SinkThread> make_zmq_sink(const Config& config,
                                                  std::shared_ptr<const output::SigningKey> key) {
  output::ZmqSinkOptions options;
  options.endpoint = config.text("output.zmq.endpoint");
  options.send_hwm = static_cast<int>(config.count("output.zmq.send-hwm"));
  options.wait_subscribers = static_cast<unsigned>(config.count("output.zmq.wait-subscribers"));
  options.wait_timeout_seconds =
      static_cast<double>(config.micros("output.zmq.wait-timeout")) / 1e6;
  options.curve_secret_key_file = config.text("output.zmq.curve-secret-key-file");
  options.curve_clients_file = config.text("output.zmq.curve-clients-file");
  options.signing_key = std::move(key);
  return std::make_unique<output::SinkThread>(
      "zmq", output::make_zmq_sink(options),
      output::parse_queue_policy(config.text("output.zmq.policy")),
      queue_batches(config, "output.zmq.queue"));
}

}  // namespace

std::optional<flow::FeatureProfile> feature_profile(const Config& config) {
  return flow::parse_feature_profile(config.text("flow.features"));
}

RunOutput::RunOutput(const Config& config, std::vector<std::string> input_names, bool live) {
  const bool csv = config.text("output.format") == "cic-csv";
  if (csv) check_csv_settings(config);
  const std::optional<flow::FeatureProfile> features = feature_profile(config);
  const flow::FeatureProfile profile = features.value_or(flow::FeatureProfile::dataset);

  const std::shared_ptr<const output::SigningKey> key = signing_key(config);
  std::vector<std::unique_ptr<output::SinkThread>> sinks;
  sinks.push_back(make_file_sink(config, live, key));
  std::unique_ptr<output::ProtobufEncoder> protobuf;
  if (!config.text("output.zmq.endpoint").empty()) {
    sinks.push_back(make_zmq_sink(config, key));
    protobuf = std::make_unique<output::ProtobufEncoder>(input_names, features);
  }
  fanout_ = std::make_unique<output::EventFanout>(
      csv ? output::LineFormat::cic_csv : output::LineFormat::eve,
      output::EveWriter(std::move(input_names), profile), output::CicCsvWriter(profile),
      std::move(protobuf), std::move(sinks));
}

std::string RunOutput::finish(const pipeline::RunStats& stats, Micros now) {
  std::string csv_stats_line;
  const std::string error = fanout_->finish(stats, now, &csv_stats_line);
  std::fwrite(csv_stats_line.data(), 1, csv_stats_line.size(), stderr);
  return error;
}

}  // namespace mld::cli
