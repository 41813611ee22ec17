#include "cli/run_output.h"

#include <cstdio>

#include "output/eve_sink.h"

namespace mld::cli {

std::optional<flow::FeatureProfile> feature_profile(const Config& config) {
  return flow::parse_feature_profile(config.text("flow.features"));
}

RunOutput::RunOutput(const Config& config, std::vector<std::string> input_names)
    : file_(std::make_unique<output::LineFile>(config.text("output.file"))),
      eve_(std::move(input_names), feature_profile(config).value_or(flow::FeatureProfile::dataset)),
      csv_(feature_profile(config).value_or(flow::FeatureProfile::dataset)),
      csv_format_(config.text("output.format") == "cic-csv") {
  if (csv_format_) {
    consumer_ = std::make_unique<output::CicCsvSink>(*file_, csv_);
  } else {
    consumer_ = std::make_unique<output::EveSink>(*file_, eve_);
  }
}

void RunOutput::write_stats(const pipeline::RunStats& stats, Micros now) {
  if (!csv_format_) {
    eve_.append_stats(stats, now, file_->buffer());
    file_->line_added();
    file_->flush();
    return;
  }
  file_->flush();
  output::TextBuffer line;
  eve_.append_stats(stats, now, line);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace mld::cli
