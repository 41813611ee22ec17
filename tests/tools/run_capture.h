#pragma once
// Runs the real file pipeline in-process on captures and keeps the records.
#include <string>
#include <vector>

#include "flow/flow_record.h"
#include "pipeline/file_pipeline.h"
#include "pipeline/pipeline_options.h"

namespace mld::testing {

struct CaptureRun {
  std::vector<flow::FlowRecord> records;
  std::vector<app::AppEvent> events;  // protocol events, in delivery order
  std::vector<detect::Alert> alerts;  // in delivery order
  pipeline::RunResult result;
};

// Options as the CLI builds them from `settings` ("key=value" each).
pipeline::PipelineOptions options_from(const std::vector<std::string>& settings);

CaptureRun run_captures(const std::vector<std::string>& inputs,
                        const pipeline::PipelineOptions& options);

}  // namespace mld::testing
