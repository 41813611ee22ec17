#pragma once
// The host analyzers: `shards` threads between the workers and the sink. Shard
// s reads channel s of every worker (the flows whose source host hashes to s,
// and the started flows of its sources and targets), scores each flow - the
// tree ensemble, then the rule detectors and fusion of its HostAnalyzer - and
// passes records, protocol events and alerts on to the sink on its own
// channel. A shard owns its hosts: no locks.
#include <memory>
#include <thread>
#include <vector>

#include "detect/detect_options.h"
#include "detect/host_analyzer.h"
#include "detect/tree_ensemble.h"
#include "flow/cic_features.h"
#include "pipeline/batch_channel.h"
#include "pipeline/batches.h"
#include "pipeline/pipeline_options.h"
#include "pipeline/worker_output.h"

namespace mld::pipeline {

class AnalyzerShard;

class AnalyzerStage {
 public:
  // `model`: null when no model is loaded (ml_score stays 0).
  AnalyzerStage(const detect::DetectOptions& options, const detect::TreeEnsemble* model,
                unsigned shards, std::uint32_t depth, Doorbell& sink_bell);
  ~AnalyzerStage();

  // The bells the workers' channels ring, one per shard (WorkerOutput).
  std::vector<Doorbell*> bells();
  // Shard s reads channel s of every worker. Call once, before start().
  void connect(const std::vector<WorkerOutput*>& workers);
  // The sink reads these.
  std::vector<BatchChannel<RecordBatch>*> outputs();

  void start();
  void join();  // returns when every worker channel closed and was drained

  // After join(); `workers` add the started flows they could not hand over.
  detect::DetectStats stats(const std::vector<WorkerOutput*>& workers) const;

 private:
  std::vector<std::unique_ptr<AnalyzerShard>> shards_;
  std::vector<std::thread> threads_;
};

// The run's host analyzers, or null when detection is off.
std::unique_ptr<AnalyzerStage> make_analyzer_stage(const PipelineOptions& options,
                                                   Doorbell& sink_bell);

// The bells the workers' channels ring: the shards', or - detection off - the
// sink's.
std::vector<Doorbell*> next_stage_bells(AnalyzerStage* analyzers, Doorbell& sink_bell);

// What the sink reads: the shards' outputs, or - detection off - the
// workers' own channels.
std::vector<BatchChannel<RecordBatch>*> sink_inputs(const std::vector<WorkerOutput*>& workers,
                                                    AnalyzerStage* analyzers);

}  // namespace mld::pipeline
