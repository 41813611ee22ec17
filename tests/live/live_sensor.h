#pragma once
// The live pipeline run in-process on its own thread, as `mldefender run -i`
// would run it, with the records kept for the test to inspect.
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "flow/flow_record.h"
#include "pipeline/live_pipeline.h"

namespace mld::testing::live {

class LiveSensor {
 public:
  // `settings` as for --set ("pipeline.workers=3"); returns once capturing.
  LiveSensor(const std::string& interface, const std::vector<std::string>& settings);
  ~LiveSensor();  // stops if still running

  const pipeline::PipelineOptions& options() const { return options_; }

  // Records delivered so far (a copy: the sink thread may be adding more).
  std::vector<flow::FlowRecord> records_so_far() const;
  // Stops the capture (like SIGINT) and waits for the pipeline to finish.
  pipeline::RunResult stop();
  const std::vector<flow::FlowRecord>& records() const { return records_; }  // after stop()

 private:
  class Collector;

  pipeline::PipelineOptions options_;
  pipeline::LiveOptions live_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::condition_variable started_;
  bool capturing_ = false;
  std::vector<flow::FlowRecord> records_;
  pipeline::RunResult result_;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace mld::testing::live
