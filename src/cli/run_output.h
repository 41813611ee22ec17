#pragma once
// Where a run's records go: the output file and the serializer for the sink
// thread, EVE JSON lines or the CIC CSV (`output.format`).
#include <memory>
#include <string>
#include <vector>

#include "cli/config.h"
#include "output/cic_csv_writer.h"
#include "output/eve_writer.h"
#include "output/line_file.h"
#include "pipeline/record_consumer.h"
#include "pipeline/run_stats.h"

namespace mld::cli {

class RunOutput {
 public:
  // Throws std::runtime_error naming the file when it cannot be created.
  // `input_names`: the capture files (file mode), for `pcap_filename`.
  RunOutput(const Config& config, std::vector<std::string> input_names);

  pipeline::RecordConsumer& consumer() { return *consumer_; }

  // The stats record goes into the EVE stream; CSV has no place for it, so
  // there it is written to standard error. Throws when the output fails.
  void write_stats(const pipeline::RunStats& stats, Micros now);

 private:
  std::unique_ptr<output::LineFile> file_;
  output::EveWriter eve_;
  output::CicCsvWriter csv_;
  std::unique_ptr<pipeline::RecordConsumer> consumer_;
  bool csv_format_;
};

// flow.features -> profile; nullopt for "none".
std::optional<flow::FeatureProfile> feature_profile(const Config& config);

}  // namespace mld::cli
