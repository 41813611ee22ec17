#pragma once
// The serializer: runs on the pipeline's sink thread, encodes each flow record
// once per format (EVE JSON or CIC CSV lines; protobuf when a sink wants it)
// and each protocol event and alert likewise (EVE only: CSV has no row for
// them) into shared batches, and hands every batch to every sink's thread.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "output/cic_csv_writer.h"
#include "output/event_batch.h"
#include "output/eve_writer.h"
#include "output/protobuf_encoder.h"
#include "output/sink_thread.h"
#include "pipeline/record_consumer.h"
#include "pipeline/run_stats.h"

namespace mld::output {

enum class LineFormat { eve, cic_csv };

class EventFanout final : public pipeline::RecordConsumer {
 public:
  // `protobuf` may be null when no sink wants protobuf.
  EventFanout(LineFormat format, EveWriter eve, CicCsvWriter csv,
              std::unique_ptr<ProtobufEncoder> protobuf,
              std::vector<std::unique_ptr<SinkThread>> sinks);

  // Throws std::runtime_error when a sink with the `block` policy failed: the
  // run must stop rather than lose events silently.
  void consume(const flow::FlowRecord& record) override;
  void consume(const app::AppEvent& event) override;
  void consume(const detect::Alert& alert) override;
  void flush() override;

  // The last event of a run: the stats record with every sink's counters (in
  // the EVE stream; CSV has no place for it, so it is returned as a JSON line
  // for the caller to print). Then every sink is drained and closed. Returns
  // the first sink error, empty when every sink succeeded.
  std::string finish(pipeline::RunStats stats, Micros now, std::string* csv_stats_line);

 private:
  EventBatch& current();
  void publish();   // hand_out(), then throw if a blocking sink failed
  void hand_out();  // the current batch to every sink
  void stop_if_a_blocking_sink_failed() const;

  const LineFormat format_;
  const EveWriter eve_;
  const CicCsvWriter csv_;
  const std::unique_ptr<ProtobufEncoder> protobuf_;
  EventBatchPool pool_;  // before the sinks: their threads return batches to it
  std::vector<std::unique_ptr<SinkThread>> sinks_;
  std::shared_ptr<EventBatch> batch_;
  bool finished_ = false;
};

}  // namespace mld::output
