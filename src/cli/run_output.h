#pragma once
// Where a run's events go: the serializer for the pipeline's sink thread and
// the sinks behind it (the file or standard output, a ZeroMQ stream), built
// from the output.* settings.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/config.h"
#include "common/time.h"
#include "flow/cic_features.h"
#include "output/event_fanout.h"
#include "pipeline/record_consumer.h"
#include "pipeline/run_stats.h"

namespace mld::cli {

class RunOutput {
 public:
  // Opens every sink. Throws std::runtime_error naming the file, key or
  // endpoint that failed, ConfigError for settings that do not fit together.
  // `input_names`: the capture files (file mode), for `pcap_filename`.
  RunOutput(const Config& config, std::vector<std::string> input_names, bool live);

  pipeline::RecordConsumer& consumer() { return *fanout_; }

  // Writes the stats record (EVE: into the stream; CSV: to standard error),
  // then drains and closes every sink. Returns the first sink error, or "".
  std::string finish(const pipeline::RunStats& stats, Micros now);

 private:
  std::unique_ptr<output::EventFanout> fanout_;
};

// flow.features -> profile; nullopt for "none".
std::optional<flow::FeatureProfile> feature_profile(const Config& config);

}  // namespace mld::cli
