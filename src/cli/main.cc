// mldefender: network intrusion detection sensor.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/config.h"
#include "cli/run_command.h"
#include "cli/tail_command.h"
#include "cli/train_command.h"
#include "cli/verify_command.h"

int main(int argc, char** argv) {
  using namespace mld::cli;
  CLI::App app{"ML Defender: flows, metadata and detections from network traffic", "mldefender"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "mldefender 0.1.0");

  RunArguments run;
  std::string workers, profile, output, features, format;
  CLI::App* run_app = app.add_subcommand("run", "read captures or an interface, write EVE JSON");
  run_app->add_option("-r,--read", run.read, "capture file or directory (repeatable)");
  run_app->add_option("-i,--interface", run.interface, "live capture interface");
  run_app->add_option("-o,--output", output, "output file, - for standard output")
      ->check([](const std::string& v) { return v.empty() ? "empty output name" : ""; });
  run_app->add_option("-w,--workers", workers, "flow worker threads (pipeline.workers)");
  run_app->add_option("--flow-profile", profile, "cic or nfstream (flow.profile)");
  run_app->add_option("--features", features, "dataset, fixed or none (flow.features)");
  run_app->add_option("--format", format, "eve or cic-csv (output.format)");
  run_app->add_option("-c,--config", run.config_file, "YAML configuration file");
  run_app->add_option("--set", run.sets, "override a setting: key=value (repeatable)")
      ->allow_extra_args(false);

  CLI::App* config_app =
      app.add_subcommand("config", "print every setting with its default and meaning");

  VerifyArguments verify;
  CLI::App* verify_app =
      app.add_subcommand("verify", "check the signature chain of event logs; 0 when intact");
  // allow_extra_args(false): a repeatable option takes one value per use, so
  // `--key-file K a b` leaves the logs a and b to `files`.
  verify_app->add_option("--key-file", verify.key_files, "signing key file (repeatable)")
      ->required()
      ->allow_extra_args(false);
  verify_app->add_option("files", verify.files, "log files, plain or .zst, any order")
      ->required();
  verify_app->add_flag("--allow-unsealed", verify.allow_unsealed,
                       "the newest file may lack its seal (a log still being written)");

  TailArguments tail;
  CLI::App* tail_app =
      app.add_subcommand("tail", "subscribe to a sensor's ZeroMQ stream and print JSON lines");
  tail_app->add_option("--zmq", tail.endpoint, "endpoint, e.g. tcp://127.0.0.1:5556")
      ->required();
  tail_app->add_option("--key-file", tail.key_files, "verify signatures with this key")
      ->allow_extra_args(false);
  tail_app->add_option("--curve-server-key", tail.curve_server_key_file,
                       "the sensor's CURVE public key file (Z85)");
  tail_app->add_option("--curve-client-key", tail.curve_client_key_file,
                       "our CURVE secret key file (Z85); default: a fresh key pair");
  tail_app->add_option("--type", tail.event_types, "only these event types (repeatable)")
      ->allow_extra_args(false);
  tail_app->add_option("--count", tail.count, "stop after this many events");
  tail_app->add_option("--timeout", tail.timeout_seconds,
                       "stop after this many seconds without an event");

  TrainArguments train;
  CLI::App* train_app = app.add_subcommand(
      "train", "fit a tree ensemble on labelled CIC CSV flows and write the model file");
  train_app->add_option("--input", train.inputs, "CSV file or directory of them (repeatable)")
      ->required()
      ->allow_extra_args(false);
  train_app->add_option("--output", train.output, "model file to write")->required();
  train_app->add_option("--rounds", train.rounds, "boosting rounds, one tree per class each")
      ->capture_default_str();
  train_app->add_option("--max-depth", train.max_depth, "tree depth limit (at most 12)")
      ->capture_default_str();
  train_app->add_option("--folds", train.folds, "stratified cross-validation folds")
      ->capture_default_str();
  train_app->add_option("--seed", train.seed, "seed of the folds and of XGBoost")
      ->capture_default_str();

  std::string keygen_prefix;
  CLI::App* keygen_app =
      app.add_subcommand("zmq-keygen", "write a CURVE key pair: PREFIX.key and PREFIX.pub");
  keygen_app->add_option("prefix", keygen_prefix, "path prefix of the key files")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? kExitOk : kExitUsage;
  }

  if (config_app->parsed()) {
    fmt::print("{}", Config().describe());
    return kExitOk;
  }
  if (verify_app->parsed()) return verify_command(verify);
  if (tail_app->parsed()) return tail_command(tail);
  if (keygen_app->parsed()) return zmq_keygen_command(keygen_prefix);
  if (train_app->parsed()) return train_command(train);
  // Shorthand flags are settings too; they win over the file and earlier --set.
  if (!workers.empty()) run.sets.push_back("pipeline.workers=" + workers);
  if (!profile.empty()) run.sets.push_back("flow.profile=" + profile);
  if (!output.empty()) run.sets.push_back("output.file.path=" + output);
  if (!features.empty()) run.sets.push_back("flow.features=" + features);
  if (!format.empty()) run.sets.push_back("output.format=" + format);
  return run_command(run);
}
