#pragma once
// How a worker wires the application layer and the detectors' started-flow
// reports to its flow tracker.
#include <memory>

#include "app/app_tracker.h"
#include "flow/flow_tracker.h"
#include "pipeline/pipeline_options.h"
#include "pipeline/worker_output.h"

namespace mld::pipeline {

// The worker's application layer, or null when it is off.
inline std::unique_ptr<app::AppTracker> make_app_tracker(const PipelineOptions& options,
                                                         std::uint32_t max_flows,
                                                         app::AppEventSink& events) {
  if (!options.app_layer) return nullptr;
  return std::make_unique<app::AppTracker>(options.app, max_flows, events);
}

// The tracker's observer: the worker output when it reports started flows
// (it passes every packet on to the application layer), else the
// application layer itself, or none.
inline flow::FlowTrackerOptions observed_by(flow::FlowTrackerOptions options,
                                            WorkerOutput& output, app::AppTracker* app) {
  if (output.reports_opened()) {
    output.observe_with(app);
    options.observer = &output;
  } else {
    options.observer = app;
  }
  return options;
}

}  // namespace mld::pipeline
