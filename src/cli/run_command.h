#pragma once
// `mldefender run`: capture -> flows -> EVE JSON lines.
#include <string>
#include <vector>

#include "cli/config.h"
#include "pipeline/pipeline_options.h"

namespace mld::cli {

struct RunArguments {
  std::vector<std::string> read;  // -r: files or directories
  std::string interface;          // -i
  std::string config_file;        // -c
  std::vector<std::string> sets;  // --set key=value, and the shorthand flags
};

// Exit status of a run.
enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 1,        // bad command line or configuration
  kExitInputError = 2,   // a capture could not be read (to its end); flows were still written
  kExitOutputError = 3,  // the output could not be written
};

int run_command(const RunArguments& arguments);

// Settings -> pipeline options (`live` picks the live defaults).
pipeline::PipelineOptions make_pipeline_options(const Config& config, bool live);

}  // namespace mld::cli
