#include "pipeline/analyzer_stage.h"

#include <algorithm>
#include <optional>

#include "detect/ml_scorer.h"
#include "pipeline/record_batcher.h"

namespace mld::pipeline {

// One shard's thread: its inputs (one channel per worker), its hosts, its
// output channel to the sink.
class AnalyzerShard final : public detect::AlertSink {
 public:
  AnalyzerShard(const detect::DetectOptions& options, const detect::TreeEnsemble* model,
                std::uint32_t depth, Doorbell& sink_bell)
      : output_(depth, bell_, sink_bell),
        batcher_(output_, bell_, Backpressure::wait),
        analyzer_(options, *this),
        keep_features_(options.keep_features) {
    if (model != nullptr) scorer_.emplace(*model);
  }

  void run();
  void on_alert(detect::Alert&& alert) override { batcher_.on_alert(std::move(alert)); }

  Doorbell& bell() { return bell_; }
  void add_input(BatchChannel<RecordBatch>& input) { inputs_.push_back(&input); }
  BatchChannel<RecordBatch>& output() { return output_; }
  const detect::DetectStats& stats() const { return analyzer_.stats(); }

 private:
  void process(RecordBatch& batch);
  void score(flow::FlowRecord& record);

  Doorbell bell_;
  std::vector<BatchChannel<RecordBatch>*> inputs_;
  BatchChannel<RecordBatch> output_;
  RecordBatcher batcher_;
  detect::HostAnalyzer analyzer_;
  bool keep_features_;
  std::optional<detect::MlScorer> scorer_;
  Micros clock_ = 0;  // the latest traffic time seen
};

void AnalyzerShard::run() {
  // When nothing is waiting, the sink gets what this shard has so far.
  receive_until_closed(
      inputs_, bell_, [this](RecordBatch& batch) { process(batch); },
      [this] { batcher_.flush(); });
  analyzer_.flush();
  batcher_.close();
}

// Started flows first (they began before anything in the batch ended), then
// each flow's events before its record, as the worker produced them.
void AnalyzerShard::process(RecordBatch& batch) {
  for (const detect::FlowOpened& opened : batch.opened) {
    clock_ = std::max(clock_, opened.timestamp);
    analyzer_.on_flow_opened(opened);
  }
  for (app::AppEvent& event : batch.events) {
    clock_ = std::max(clock_, event.timestamp);
    analyzer_.on_app_event(event);
    batcher_.on_app_event(std::move(event));
  }
  for (std::uint32_t i = 0; i < batch.count; ++i) {
    flow::FlowRecord& record = batch.records[i];
    clock_ = std::max(clock_, record.end);
    score(record);
    batcher_.on_flow_end(record);
  }
  analyzer_.advance(clock_);
}

void AnalyzerShard::score(flow::FlowRecord& record) {
  if (scorer_) {
    const detect::MlVerdict ml = scorer_->score(record);
    record.detection.ml_score = ml.score;
    record.detection.ml_label.assign(ml.label);
    record.detection.category.assign(ml.category);
  }
  analyzer_.on_flow_end(record);
  if (!keep_features_) record.has_features = false;
}

unsigned analyzer_shards(const PipelineOptions& options) {
  if (!options.detect.enabled) return 0;
  if (options.detect.shards > 0) return options.detect.shards;
  return std::max(1u, options.workers / 2);
}

std::unique_ptr<AnalyzerStage> make_analyzer_stage(const PipelineOptions& options,
                                                   Doorbell& sink_bell) {
  const unsigned shards = analyzer_shards(options);
  if (shards == 0) return nullptr;
  return std::make_unique<AnalyzerStage>(options.detect, options.model.get(), shards,
                                         options.channel_depth, sink_bell);
}

std::vector<Doorbell*> next_stage_bells(AnalyzerStage* analyzers, Doorbell& sink_bell) {
  if (analyzers != nullptr) return analyzers->bells();
  return {&sink_bell};
}

std::vector<BatchChannel<RecordBatch>*> sink_inputs(const std::vector<WorkerOutput*>& workers,
                                                    AnalyzerStage* analyzers) {
  if (analyzers != nullptr) return analyzers->outputs();
  std::vector<BatchChannel<RecordBatch>*> inputs;
  for (WorkerOutput* worker : workers) inputs.push_back(&worker->channel(0));
  return inputs;
}

AnalyzerStage::AnalyzerStage(const detect::DetectOptions& options,
                             const detect::TreeEnsemble* model, unsigned shards,
                             std::uint32_t depth, Doorbell& sink_bell) {
  for (unsigned s = 0; s < std::max(1u, shards); ++s) {
    shards_.push_back(std::make_unique<AnalyzerShard>(options, model, depth, sink_bell));
  }
}

AnalyzerStage::~AnalyzerStage() = default;

std::vector<Doorbell*> AnalyzerStage::bells() {
  std::vector<Doorbell*> bells;
  for (auto& shard : shards_) bells.push_back(&shard->bell());
  return bells;
}

void AnalyzerStage::connect(const std::vector<WorkerOutput*>& workers) {
  for (std::size_t s = 0; s < shards_.size(); ++s) {
    for (WorkerOutput* worker : workers) {
      shards_[s]->add_input(worker->channel(static_cast<unsigned>(s)));
    }
  }
}

std::vector<BatchChannel<RecordBatch>*> AnalyzerStage::outputs() {
  std::vector<BatchChannel<RecordBatch>*> outputs;
  for (auto& shard : shards_) outputs.push_back(&shard->output());
  return outputs;
}

void AnalyzerStage::start() {
  for (auto& shard : shards_) threads_.emplace_back([&s = *shard] { s.run(); });
}

void AnalyzerStage::join() {
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

detect::DetectStats AnalyzerStage::stats(const std::vector<WorkerOutput*>& workers) const {
  detect::DetectStats total;
  for (const auto& shard : shards_) total += shard->stats();
  for (const WorkerOutput* worker : workers) total.flows_opened_dropped += worker->opened_dropped();
  return total;
}

}  // namespace mld::pipeline
