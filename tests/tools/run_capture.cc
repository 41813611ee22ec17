#include "tools/run_capture.h"

#include "cli/config.h"
#include "cli/run_command.h"

namespace mld::testing {
namespace {

class CollectingConsumer final : public pipeline::RecordConsumer {
 public:
  explicit CollectingConsumer(std::vector<flow::FlowRecord>& records) : records_(records) {}
  void consume(const flow::FlowRecord& record) override { records_.push_back(record); }
  void flush() override {}

 private:
  std::vector<flow::FlowRecord>& records_;
};

}  // namespace

pipeline::PipelineOptions options_from(const std::vector<std::string>& settings) {
  cli::Config config;
  for (const std::string& setting : settings) config.set(setting, "test");
  return cli::make_pipeline_options(config, /*live=*/false);
}

CaptureRun run_captures(const std::vector<std::string>& inputs,
                        const pipeline::PipelineOptions& options) {
  CaptureRun run;
  CollectingConsumer consumer(run.records);
  run.result = pipeline::run_file_pipeline(options, inputs, consumer);
  return run;
}

}  // namespace mld::testing
