#include "tools/run_capture.h"

#include "cli/config.h"
#include "cli/run_command.h"

namespace mld::testing {
namespace {

class CollectingConsumer final : public pipeline::RecordConsumer {
 public:
  explicit CollectingConsumer(CaptureRun& run) : run_(run) {}
  void consume(const flow::FlowRecord& record) override { run_.records.push_back(record); }
  void consume(const app::AppEvent& event) override { run_.events.push_back(event); }
  void consume(const detect::Alert& alert) override { run_.alerts.push_back(alert); }
  void flush() override {}

 private:
  CaptureRun& run_;
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
  CollectingConsumer consumer(run);
  run.result = pipeline::run_file_pipeline(options, inputs, consumer);
  return run;
}

}  // namespace mld::testing
