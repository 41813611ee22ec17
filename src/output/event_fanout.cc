#include "output/event_fanout.h"

#include <chrono>
#include <stdexcept>

namespace mld::output {

EventFanout::EventFanout(LineFormat format, EveWriter eve, CicCsvWriter csv,
                         std::unique_ptr<ProtobufEncoder> protobuf,
                         std::vector<std::unique_ptr<SinkThread>> sinks)
    : format_(format),
      eve_(std::move(eve)),
      csv_(csv),
      protobuf_(std::move(protobuf)),
      sinks_(std::move(sinks)) {
  if (format_ == LineFormat::cic_csv) {
    csv_.append_header(current().text);
    current().line_added();
  }
}

EventBatch& EventFanout::current() {
  if (!batch_) batch_ = pool_.take();
  return *batch_;
}

void EventFanout::consume(const flow::FlowRecord& record) {
  EventBatch& batch = current();
  if (format_ == LineFormat::cic_csv) {
    csv_.append_row(record, batch.text);
  } else {
    eve_.append_flow(record, batch.text);
  }
  batch.line_added();
  if (protobuf_) protobuf_->append_flow(record, batch);
  if (batch.full()) publish();
}

// CSV has one row shape (the flow's): protocol events exist in EVE and
// protobuf only.
void EventFanout::consume(const app::AppEvent& event) {
  if (format_ == LineFormat::cic_csv) return;
  EventBatch& batch = current();
  eve_.append_app_event(event, batch.text);
  batch.line_added();
  if (protobuf_) protobuf_->append_app_event(event, batch);
  if (batch.full()) publish();
}

// Alerts, like protocol events, have no CSV row.
void EventFanout::consume(const detect::Alert& alert) {
  if (format_ == LineFormat::cic_csv) return;
  EventBatch& batch = current();
  eve_.append_alert(alert, batch.text);
  batch.line_added();
  if (protobuf_) protobuf_->append_alert(alert, batch);
  if (batch.full()) publish();
}

void EventFanout::flush() { publish(); }

void EventFanout::publish() {
  hand_out();
  stop_if_a_blocking_sink_failed();
}

void EventFanout::hand_out() {
  if (!batch_ || batch_->events() == 0) return;
  for (auto& sink : sinks_) sink->publish(batch_);
  batch_.reset();
}

void EventFanout::stop_if_a_blocking_sink_failed() const {
  for (const auto& sink : sinks_) {
    if (sink->policy() == QueuePolicy::block && sink->failed()) {
      throw std::runtime_error(sink->error());
    }
  }
}

std::string EventFanout::finish(pipeline::RunStats stats, Micros now,
                                std::string* csv_stats_line) {
  if (finished_) return {};
  finished_ = true;
  hand_out();  // a sink that failed is reported below, with the others
  // The counts the stats record gives include every event before it (a sink
  // that cannot catch up within a second is reported as it stands).
  for (const auto& sink : sinks_) {
    sink->wait_until_drained(std::chrono::seconds(1));
    stats.sinks.push_back(sink->stats());
  }
  EventBatch& batch = current();
  if (format_ == LineFormat::cic_csv) {
    TextBuffer line;
    eve_.append_stats(stats, now, line);
    if (csv_stats_line != nullptr) *csv_stats_line = std::string(line.view());
  } else {
    eve_.append_stats(stats, now, batch.text);
    batch.line_added();
    if (protobuf_) protobuf_->append_stats(stats, now, batch);
  }
  hand_out();
  std::string first_error;
  for (auto& sink : sinks_) {
    sink->finish();
    if (first_error.empty()) first_error = sink->error();
  }
  return first_error;
}

}  // namespace mld::output
