#pragma once
// How a worker wires the application layer to its flow tracker.
#include <memory>

#include "app/app_tracker.h"
#include "flow/flow_tracker.h"
#include "pipeline/pipeline_options.h"

namespace mld::pipeline {

// The worker's application layer, or null when it is off.
inline std::unique_ptr<app::AppTracker> make_app_tracker(const PipelineOptions& options,
                                                         std::uint32_t max_flows,
                                                         app::AppEventSink& events) {
  if (!options.app_layer) return nullptr;
  return std::make_unique<app::AppTracker>(options.app, max_flows, events);
}

inline flow::FlowTrackerOptions observed_by(flow::FlowTrackerOptions options,
                                            flow::FlowObserver* observer) {
  options.observer = observer;
  return options;
}

}  // namespace mld::pipeline
