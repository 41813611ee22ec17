#pragma once
#include <cstdint>
#include <memory>

#include "app/app_tracker.h"
#include "decode/decoder.h"
#include "detect/detect_options.h"
#include "detect/tree_ensemble.h"
#include "flow/flow_tracker.h"

namespace mld::pipeline {

struct PipelineOptions {
  unsigned workers = 1;
  decode::DecoderOptions decoder;
  // max_flows and max_tombstones are totals for the sensor; each worker gets
  // an equal share. hash_seed is shared (dispatch and tables).
  flow::FlowTrackerOptions flow;
  std::uint32_t channel_depth = 8;  // batches in flight per worker and direction
  // The application layer (nDPI, reassembly, dissectors, protocol events).
  bool app_layer = true;
  app::AppOptions app;
  // The host analyzers, rule detectors and model (detect.enabled).
  detect::DetectOptions detect;
  std::shared_ptr<const detect::TreeEnsemble> model;  // null: no ML score
};

// The host analyzer shards a run starts (0 when detection is off).
unsigned analyzer_shards(const PipelineOptions& options);

}  // namespace mld::pipeline
