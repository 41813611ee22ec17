#include "app/app_tracker.h"

#include "app/dissector_choice.h"

namespace mld::app {

using decode::PacketView;
using flow::Direction;

// What the application layer keeps for one flow while it still learns
// something from it. Freed at the flow's end; its parts are freed earlier,
// as soon as they are done.
struct FlowApp {
  NdpiFlow ndpi;
  NdpiVerdict verdict;
  bool classified = false;
  bool dissector_chosen = false;
  std::unique_ptr<Dissector> dissector;
  std::unique_ptr<TcpReassembler> streams[2];
  std::string host;  // the dissector's, kept when it retires

  bool finished() const { return classified && dissector_chosen && dissector == nullptr; }
};

namespace {

// Stamps a dissector's events with their flow's identity.
class FlowEvents final : public EventOut {
 public:
  FlowEvents(const flow::Flow& flow, AppEventSink& sink, AppCounters& counters)
      : flow_(flow), sink_(sink), counters_(counters) {}

  void emit(Direction side, Micros timestamp, AppEventBody body) override {
    counters_.events.add();
    sink_.on_app_event(AppEvent{flow::identity_of(flow_), timestamp, side, std::move(body)});
  }

 private:
  const flow::Flow& flow_;
  AppEventSink& sink_;
  AppCounters& counters_;
};

// Hands one direction's reassembled bytes to the dissector.
class DissectorFeed final : public StreamConsumer {
 public:
  DissectorFeed(Dissector& dissector, Direction side, Micros timestamp, EventOut& out)
      : dissector_(dissector), side_(side), timestamp_(timestamp), out_(out) {}

  void deliver(Bytes bytes) override { dissector_.on_data(side_, timestamp_, bytes, out_); }
  void gap(std::uint64_t length) override { dissector_.on_gap(side_, length); }

 private:
  Dissector& dissector_;
  Direction side_;
  Micros timestamp_;
  EventOut& out_;
};

Bytes payload_of(const PacketView& packet) {
  return {packet.payload, packet.captured_payload_length};
}

}  // namespace

AppTracker::AppTracker(const AppOptions& options, std::uint32_t slots, AppEventSink& events)
    : options_(options), events_(events), memory_(options.stream_memcap), slots_(slots) {}

AppTracker::~AppTracker() = default;

NdpiEngine& AppTracker::ndpi() {
  if (ndpi_ == nullptr) ndpi_ = std::make_unique<NdpiEngine>();
  return *ndpi_;
}

void AppTracker::on_packet(std::uint32_t slot, const flow::Flow& flow, Direction side,
                           const PacketView& packet) {
  FlowApp* app = slots_[slot].get();
  if (app == nullptr) {
    // State is created by the first payload; flows without any cost nothing.
    if (packet.captured_payload_length == 0) return;
    app = &state_for(slot, packet);
  }
  if (!app->finished()) inspect(*app, flow, side, packet);
}

FlowApp& AppTracker::state_for(std::uint32_t slot, const PacketView& packet) {
  auto& app = slots_[slot];
  app = std::make_unique<FlowApp>();
  ++flows_with_state_;
  counters_.flows_inspected.add();
  if (packet.ip_packet != nullptr) {
    ndpi().start(app->ndpi);
    counters_.ndpi_flows.add();
  } else {
    app->classified = true;  // nothing nDPI could read
  }
  return *app;
}

void AppTracker::inspect(FlowApp& app, const flow::Flow& flow, Direction side,
                         const PacketView& packet) {
  if (!app.classified) classify(app, packet);
  if (!app.dissector_chosen && packet.captured_payload_length > 0) {
    app.dissector_chosen = true;
    const FirstPayload first{packet.is_tcp() ? Transport::tcp : Transport::udp, packet.src_port,
                             packet.dst_port, payload_of(packet)};
    app.dissector = choose_dissector(first, counters_);
  }
  if (app.dissector != nullptr) dissect(app, flow, side, packet);
}

void AppTracker::classify(FlowApp& app, const PacketView& packet) {
  if (ndpi().feed(app.ndpi, packet, app.verdict)) app.classified = true;
}

void AppTracker::dissect(FlowApp& app, const flow::Flow& flow, Direction side,
                         const PacketView& packet) {
  FlowEvents out(flow, events_, counters_);
  if (packet.is_tcp()) {
    auto& stream = app.streams[index(side)];
    if (stream == nullptr) {
      stream = std::make_unique<TcpReassembler>(options_.stream, memory_, counters_);
    }
    DissectorFeed feed(*app.dissector, side, packet.timestamp, out);
    stream->on_segment(packet.tcp_seq, packet.has_flag(decode::tcp_flag::syn),
                       packet.has_flag(decode::tcp_flag::fin), payload_of(packet), feed);
    const bool both_done = app.streams[0] != nullptr && app.streams[0]->done() &&
                           app.streams[1] != nullptr && app.streams[1]->done();
    if (both_done) retire_dissector(app);
  } else if (packet.captured_payload_length > 0) {
    app.dissector->on_data(side, packet.timestamp, payload_of(packet), out);
  }
  if (app.dissector != nullptr && !app.dissector->wants_more()) retire_dissector(app);
}

void AppTracker::retire_dissector(FlowApp& app) {
  app.host = std::string(app.dissector->host());
  app.dissector.reset();
  app.streams[0].reset();
  app.streams[1].reset();
}

void AppTracker::on_flow_end(std::uint32_t slot, const flow::Flow& flow, flow::FlowRecord& record) {
  std::unique_ptr<FlowApp> app = std::move(slots_[slot]);
  flow::AppSummary& summary = record.app;
  if (app == nullptr) {
    NdpiVerdict guess;
    ndpi().guess(record.identity(), guess);
    summary.proto.assign(guess.name);
    summary.category.assign(guess.category);
    return;
  }
  --flows_with_state_;
  if (app->dissector != nullptr) {
    FlowEvents out(flow, events_, counters_);
    for (const Direction side : {Direction::forward, Direction::backward}) {
      if (app->streams[index(side)] == nullptr) continue;
      DissectorFeed feed(*app->dissector, side, flow.last(), out);
      app->streams[index(side)]->flush(feed);
    }
    app->dissector->on_flow_end(flow.last(), out);
    retire_dissector(*app);
  }
  if (!app->classified) ndpi().conclude(app->ndpi, app->verdict);

  summary.inspected = true;
  summary.proto.assign(app->verdict.name);
  summary.category.assign(app->verdict.category);
  if (!summary.host.assign(app->verdict.host.empty() ? app->host : app->verdict.host)) {
    counters_.events_truncated.add();
  }
  summary.risks = app->verdict.risks;
}

}  // namespace mld::app
