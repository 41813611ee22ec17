// mldefender: network intrusion detection sensor.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/config.h"
#include "cli/run_command.h"

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
  run_app->add_option("--set", run.sets, "override a setting: key=value (repeatable)");

  CLI::App* config_app =
      app.add_subcommand("config", "print every setting with its default and meaning");

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
  // Shorthand flags are settings too; they win over the file and earlier --set.
  if (!workers.empty()) run.sets.push_back("pipeline.workers=" + workers);
  if (!profile.empty()) run.sets.push_back("flow.profile=" + profile);
  if (!output.empty()) run.sets.push_back("output.file=" + output);
  if (!features.empty()) run.sets.push_back("flow.features=" + features);
  if (!format.empty()) run.sets.push_back("output.format=" + format);
  return run_command(run);
}
