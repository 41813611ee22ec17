#include "pipeline/file_pipeline.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <thread>

#include "capture/pcap_file_reader.h"
#include "pipeline/analyzer_stage.h"
#include "pipeline/app_layer.h"
#include "pipeline/batch_channel.h"
#include "pipeline/shutdown.h"
#include "pipeline/sink.h"

namespace mld::pipeline {
namespace {

using capture::RawPacket;
using decode::PacketView;

// The reader keeps every worker's clock, and the packets it holds for each
// worker, within this much packet time of its own: idle workers still
// expire their flows while a capture runs, and a quiet capture's packets
// do not wait minutes of traffic time for a batch to fill.
constexpr Micros kMaxWorkerClockLag = seconds(1);
// A worker hands over its partial batches after this much packet time, so
// the host analyzers see every worker's flows within about as much of each
// other: a detector's window or rhythm is not torn apart by one worker's
// batch arriving minutes of traffic late.
constexpr Micros kHandOverInterval = seconds(1);

std::uint32_t share(std::uint32_t total, unsigned workers) {
  return std::max<std::uint32_t>(1, (total + workers - 1) / workers);
}

// Everything one worker thread owns. A flow lives in exactly one of these.
struct WorkerState {
  // `next_stage`: the bells of the host analyzer shards, or the sink's.
  WorkerState(const PipelineOptions& options, const flow::FlowTrackerOptions& flow_options,
              Doorbell& reader_bell, const std::vector<Doorbell*>& next_stage)
      : packets(options.channel_depth, reader_bell, bell),
        output(options.channel_depth, bell, next_stage, Backpressure::wait,
               analyzer_shards(options) > 0),
        app(make_app_tracker(options, flow_options.max_flows, output)),
        tracker(observed_by(flow_options, output, app.get()), output) {}

  void run();
  void hand_over_if_due(Micros clock);

  Doorbell bell;
  BatchChannel<PacketBatch> packets;  // from the reader
  WorkerOutput output;                // to the host analyzers or the sink
  std::unique_ptr<app::AppTracker> app;  // null when the application layer is off
  flow::FlowTracker tracker;
  Micros handed_over_at = 0;  // packet time of the last hand-over
};

// Copies the packet's IP datagram into the batch and points the view there,
// so the worker can read payload after the reader moved on. False when the
// batch has no room left for it.
bool keep_bytes(PacketBatch& batch, PacketView& view) {
  if (view.ip_packet == nullptr) return true;
  const std::uint32_t length = std::min(view.captured_ip_length, PacketBatch::kBytesCapacity);
  if (batch.bytes_used + length > PacketBatch::kBytesCapacity) return false;
  std::uint8_t* copy = batch.bytes.get() + batch.bytes_used;
  std::memcpy(copy, view.ip_packet, length);
  batch.bytes_used += length;
  if (view.payload != nullptr) {
    const auto offset = static_cast<std::uint32_t>(view.payload - view.ip_packet);
    view.captured_payload_length =
        offset < length ? std::min(view.captured_payload_length, length - offset) : 0;
    view.payload = view.captured_payload_length > 0 ? copy + offset : nullptr;
  }
  view.ip_packet = copy;
  view.captured_ip_length = length;
  return true;
}

void WorkerState::run() {
  for (;;) {
    const auto seen = bell.snapshot();
    const bool closed = packets.closed();
    if (PacketBatch* batch = packets.try_receive()) {
      if (batch->new_timeline) tracker.end_all(flow::EndReason::end_of_input);
      for (std::uint32_t i = 0; i < batch->count; ++i) tracker.process(batch->packets[i]);
      tracker.advance_clock(batch->clock);
      hand_over_if_due(batch->clock);
      packets.release(batch);
      continue;
    }
    if (closed) break;
    bell.sleep(seen);
  }
  tracker.end_all(flow::EndReason::end_of_input);
  output.close();
}

void WorkerState::hand_over_if_due(Micros clock) {
  const bool due = clock >= handed_over_at + kHandOverInterval;
  const bool earlier_timeline = clock < handed_over_at;  // the next capture starts earlier
  if (!due && !earlier_timeline) return;
  output.flush();
  handed_over_at = clock;
}

class Reader {
 public:
  Reader(const PipelineOptions& options, std::vector<std::unique_ptr<WorkerState>>& workers,
         Doorbell& bell, const std::atomic<bool>& stop)
      : options_(options),
        decoder_(options.decoder),
        workers_(workers),
        bell_(bell),
        stop_(stop),
        current_(workers.size(), nullptr),
        last_sent_(workers.size(), 0) {}

  void run(const std::vector<std::string>& inputs);
  bool stopping() const {
    return stop_.load(std::memory_order_relaxed) || shutdown_requested();
  }

  const decode::DecodeCounters& decode_counters() const { return decode_; }
  const CaptureStats& capture_stats() const { return capture_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  void read(capture::PcapFileReader& input, bool first_input);
  void handle(RawPacket& frame);
  unsigned owner_of(const PacketView& view) const;
  PacketBatch& batch_for(unsigned worker);
  PacketBatch* take_empty_batch(unsigned worker);
  void send(unsigned worker);
  void send_stale_batches();
  void restart_timeline(Micros first_timestamp);

  const PipelineOptions& options_;
  decode::Decoder decoder_;
  std::vector<std::unique_ptr<WorkerState>>& workers_;
  Doorbell& bell_;
  const std::atomic<bool>& stop_;
  std::vector<PacketBatch*> current_;
  std::vector<Micros> last_sent_;
  Micros clock_ = 0;
  Micros stale_check_at_ = 0;  // the clock at which send_stale_batches runs next
  decode::DecodeCounters decode_;
  CaptureStats capture_;
  std::vector<std::string> errors_;
};

void Reader::run(const std::vector<std::string>& inputs) {
  bool first_input = true;
  for (std::size_t i = 0; i < inputs.size() && !stopping(); ++i) {
    ++capture_.inputs;
    try {
      capture::PcapFileReader input(inputs[i], static_cast<std::uint16_t>(i));
      read(input, first_input);
      first_input = false;
    } catch (const capture::CaptureError& error) {
      ++capture_.input_errors;
      errors_.push_back(error.what());
    }
  }
  // Every worker learns the final clock (an empty batch if need be), so the
  // flows whose timeout passed before the input ended end as `timeout`
  // whichever worker owns them, however busy it was.
  for (unsigned w = 0; w < workers_.size(); ++w) {
    batch_for(w);
    send(w);
    workers_[w]->packets.close();
  }
}

void Reader::read(capture::PcapFileReader& input, bool first_input) {
  RawPacket frame;
  bool first_frame = true;
  while (!stopping() && input.next(frame)) {
    if (first_frame && !first_input && frame.timestamp < clock_) {
      restart_timeline(frame.timestamp);
    }
    first_frame = false;
    handle(frame);
  }
}

void Reader::handle(RawPacket& frame) {
  decode_.packets_read.add();
  decode_.bytes_read.add(frame.wire_length);
  // spec 1.5: every frame moves the clock, even one the decoder rejects.
  if (frame.timestamp < clock_) {
    frame.timestamp = clock_;
    ++capture_.timestamps_clamped;
  }
  clock_ = frame.timestamp;

  PacketView view;
  const decode::DropReason drop = decoder_.decode(frame, view);
  if (drop != decode::DropReason::none) {
    decode_.count_drop(drop);
    return;
  }
  decode_.count_decoded(view);

  const unsigned worker = owner_of(view);
  PacketBatch* batch = &batch_for(worker);
  if (!options_.app_layer) {
    view.payload = nullptr;  // the frame bytes do not travel (see PacketBatch)
    view.ip_packet = nullptr;
  } else if (!keep_bytes(*batch, view)) {
    send(worker);
    batch = &batch_for(worker);
    keep_bytes(*batch, view);  // an empty batch holds any datagram (cut to its size)
  }
  batch->packets[batch->count++] = view;
  if (batch->count == PacketBatch::kCapacity) send(worker);
  if (clock_ >= stale_check_at_) send_stale_batches();
}

// High hash bits pick the worker; each table uses the low bits.
unsigned Reader::owner_of(const PacketView& view) const {
  const auto workers = static_cast<std::uint64_t>(workers_.size());
  if (workers == 1) return 0;
  bool from_lower = false;
  const flow::FlowKey key = flow::FlowKey::of(view, options_.flow.key, from_lower);
  return static_cast<unsigned>(((key.hash(options_.flow.hash_seed) >> 32) * workers) >> 32);
}

PacketBatch& Reader::batch_for(unsigned worker) {
  while (current_[worker] == nullptr) {
    const auto seen = bell_.snapshot();
    current_[worker] = take_empty_batch(worker);
    if (current_[worker] == nullptr) bell_.sleep(seen);
  }
  return *current_[worker];
}

PacketBatch* Reader::take_empty_batch(unsigned worker) {
  PacketBatch* batch = workers_[worker]->packets.try_acquire();
  if (batch != nullptr) {
    batch->count = 0;
    batch->bytes_used = 0;
    batch->new_timeline = false;
  }
  return batch;
}

void Reader::send(unsigned worker) {
  PacketBatch* batch = current_[worker];
  batch->clock = clock_;
  workers_[worker]->packets.send(batch);
  current_[worker] = nullptr;
  last_sent_[worker] = clock_;
}

// A batch (even an empty one) tells an idle worker how late it is.
void Reader::send_stale_batches() {
  stale_check_at_ = clock_ + kMaxWorkerClockLag;
  for (unsigned w = 0; w < workers_.size(); ++w) {
    if (clock_ - last_sent_[w] <= kMaxWorkerClockLag) continue;
    if (current_[w] == nullptr) current_[w] = take_empty_batch(w);
    if (current_[w] == nullptr) continue;  // busy worker: a full batch is on its way
    send(w);
  }
}

// Captures of different times given together: flows cannot span them, so the
// ones still open end here and the clock starts again from the new input.
void Reader::restart_timeline(Micros first_timestamp) {
  ++capture_.timeline_restarts;
  // Every worker gets the old timeline's last clock (an empty batch if need
  // be) before it ends its flows, so a flow whose timeout passed ends as
  // `timeout` however many workers there are and however busy they were.
  for (unsigned w = 0; w < workers_.size(); ++w) {
    batch_for(w);
    send(w);
  }
  clock_ = first_timestamp;
  stale_check_at_ = clock_ + kMaxWorkerClockLag;
  for (unsigned w = 0; w < workers_.size(); ++w) {
    batch_for(w).new_timeline = true;
  }
}

}  // namespace

RunResult run_file_pipeline(const PipelineOptions& options, const std::vector<std::string>& inputs,
                            RecordConsumer& consumer) {
  const unsigned n = std::max(1u, options.workers);
  Doorbell reader_bell;
  Doorbell sink_bell;
  const std::unique_ptr<AnalyzerStage> analyzers = make_analyzer_stage(options, sink_bell);
  const std::vector<Doorbell*> next_stage = next_stage_bells(analyzers.get(), sink_bell);
  std::vector<std::unique_ptr<WorkerState>> workers;
  std::vector<WorkerOutput*> outputs;
  for (unsigned w = 0; w < n; ++w) {
    flow::FlowTrackerOptions flow_options = options.flow;
    flow_options.max_flows = share(options.flow.max_flows, n);
    flow_options.max_tombstones = share(options.flow.max_tombstones, n);
    flow_options.worker = static_cast<std::uint8_t>(w);
    workers.push_back(
        std::make_unique<WorkerState>(options, flow_options, reader_bell, next_stage));
    outputs.push_back(&workers.back()->output);
  }

  if (analyzers) analyzers->connect(outputs);
  std::atomic<bool> stop{false};
  Sink sink(sink_inputs(outputs, analyzers.get()), sink_bell, consumer, stop);
  std::thread sink_thread([&] { sink.run(); });
  if (analyzers) analyzers->start();
  std::vector<std::thread> worker_threads;
  for (auto& worker : workers) worker_threads.emplace_back([&w = *worker] { w.run(); });

  Reader reader(options, workers, reader_bell, stop);
  reader.run(inputs);
  for (std::thread& t : worker_threads) t.join();
  if (analyzers) analyzers->join();
  sink_thread.join();

  RunResult result;
  result.stats.capture = reader.capture_stats();
  result.stats.decode.add(reader.decode_counters());
  for (const auto& worker : workers) {
    const flow::FlowCounters& c = worker->tracker.counters();
    result.stats.flow.add(c);
    if (worker->app != nullptr) result.stats.app.add(worker->app->counters());
    result.stats.workers.push_back(
        {c.packets.get(), c.flows_created.get(), worker->output.records_dropped()});
  }
  result.stats.output = {sink.records_delivered(), sink.records_failed(),
                         sink.events_delivered(), 0};
  if (analyzers) result.stats.detect = analyzers->stats(outputs);
  result.input_errors = reader.errors();
  result.output_error = sink.error();
  return result;
}

}  // namespace mld::pipeline
