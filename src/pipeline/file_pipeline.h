#pragma once
// File mode: one reader thread decodes frames and dispatches them by a
// symmetric, seeded hash of the flow key to N workers, each owning its flow
// table; one sink thread serializes the ended flows.
#include <string>
#include <vector>

#include "pipeline/pipeline_options.h"
#include "pipeline/record_consumer.h"
#include "pipeline/run_stats.h"

namespace mld::pipeline {

struct RunResult {
  RunStats stats;
  std::vector<std::string> input_errors;  // one line each: file, problem, byte offset
  std::string output_error;               // empty unless the output failed
};

// Reads `inputs` in order as one timeline (flows continue across files; an
// input that starts earlier than the previous one ended starts a new one).
RunResult run_file_pipeline(const PipelineOptions& options, const std::vector<std::string>& inputs,
                            RecordConsumer& consumer);

}  // namespace mld::pipeline
