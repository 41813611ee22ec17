#include "pipeline/live_worker.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/wall_clock.h"
#include "pipeline/app_layer.h"
#include "pipeline/live_dispatch.h"
#include "pipeline/shutdown.h"

namespace mld::pipeline {
namespace {

// Blocks read before the worker looks at its forward queues and the clock.
constexpr std::size_t kBlocksPerRound = 4;

int millis_until(Micros deadline) {
  const Micros left = deadline - wall_clock_now();
  return left <= 0 ? 0 : static_cast<int>((left + 999) / 1000);
}

}  // namespace

LiveWorker::LiveWorker(unsigned index, capture::AfPacketSocket socket,
                       const PipelineOptions& options, const flow::FlowTrackerOptions& flow,
                       LiveShared& shared, const std::vector<Doorbell*>& next_stage)
    : index_(index),
      socket_(std::move(socket)),
      shared_(shared),
      decoder_(options.decoder),
      output_(options.channel_depth, bell_, next_stage, Backpressure::drop,
              analyzer_shards(options) > 0),
      app_(make_app_tracker(options, flow.max_flows, output_)),
      tracker_(observed_by(flow, output_, app_.get()), output_),
      owner_has_news_(shared.workers, false) {}

void LiveWorker::run() {
  try {
    capture_until_stopped();
    capture_remaining();
  } catch (const std::exception& e) {  // CaptureError: the interface failed
    error_ = e.what();
    shared_.stop->store(true, std::memory_order_relaxed);  // the other sockets share its fate
  }
  finish_forwarding();
  tracker_.end_all(flow::EndReason::end_of_input);
  output_.close();
  try {
    kernel_ = socket_.stats();
  } catch (const std::exception& e) {
    if (error_.empty()) error_ = e.what();
  }
}

bool LiveWorker::stopping() const {
  return shared_.stop->load(std::memory_order_relaxed) || shutdown_requested() ||
         (shared_.external_stop != nullptr &&
          shared_.external_stop->load(std::memory_order_relaxed));
}

void LiveWorker::capture_until_stopped() {
  const Micros tick_us = Micros{shared_.tick_ms} * 1000;
  Micros next_tick = wall_clock_now() + tick_us;
  while (!stopping()) {
    if (!socket_.ready()) wait_for_work(millis_until(next_tick));
    read_ready_blocks();
    drain_forwarded();
    const Micros now = wall_clock_now();
    if (now >= next_tick) {
      tick(now);
      next_tick = now + tick_us;
    }
  }
}

// Closes the tap, then reads every frame the kernel had accepted: the last
// ones may sit in a block it hands over only at the next block timeouts.
// Afterwards the kernel's count and ours agree exactly (a deadline guards
// against a kernel that never returns a block).
void LiveWorker::capture_remaining() {
  socket_.close_tap();
  const Micros deadline = wall_clock_now() + 2 * Micros{shared_.tick_ms} * 1000 + 200'000;
  for (;;) {
    const capture::KernelStats offered = socket_.stats();
    if (socket_.frames_read() >= offered.packets - offered.drops || wall_clock_now() >= deadline) {
      break;
    }
    if (!socket_.ready()) wait_for_work(std::min(millis_until(deadline), 10));
    read_ready_blocks();
    drain_forwarded();
  }
}

// Sleeps until a block is ready, another worker forwarded packets, or the
// timeout (the tick) passes.
void LiveWorker::wait_for_work(int timeout_ms) {
  WakeFd& bell = shared_.mesh->bell(index_);
  pollfd fds[2] = {{socket_.fd(), POLLIN, 0}, {bell.fd(), POLLIN, 0}};
  const int n = ::poll(fds, 2, timeout_ms);
  if (n < 0 && errno != EINTR) {
    throw capture::CaptureError("-i " + socket_.interface() + ": poll: " + std::strerror(errno));
  }
  if (n <= 0) return;  // timeout, or a signal: the caller checks for shutdown
  if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) socket_.throw_socket_error();
  if (fds[1].revents & POLLIN) bell.clear();
}

void LiveWorker::read_ready_blocks() {
  socket_.read_blocks([this](const capture::RawPacket& frame) { handle(frame); }, kBlocksPerRound);
  ring_owners();
}

void LiveWorker::handle(const capture::RawPacket& frame) {
  decode_.packets_read.add();
  decode_.bytes_read.add(frame.wire_length);
  decode::PacketView view;
  const decode::DropReason drop = decoder_.decode(frame, view);
  if (drop != decode::DropReason::none) {
    decode_.count_drop(drop);
    return;
  }
  decode_.count_decoded(view);
  if (shared_.workers > 1) {
    bool from_lower = false;
    const flow::FlowKey key = flow::FlowKey::of(view, shared_.key, from_lower);
    const unsigned owner = live_owner(key, shared_.hash_seed, shared_.workers);
    if (owner != index_) {
      forward(owner, view);
      return;
    }
  }
  tracker_.process(view);
}

void LiveWorker::forward(unsigned owner, decode::PacketView view) {
  // The frame bytes stay in this worker's ring: the owner's application
  // layer does not see this packet's payload (counted as forwarded).
  view.payload = nullptr;
  view.captured_payload_length = 0;
  view.ip_packet = nullptr;
  view.captured_ip_length = 0;
  if (shared_.mesh->queue(index_, owner).try_push(view)) {
    forwarded_.add();
    owner_has_news_[owner] = true;
  } else {
    forward_drops_.add();  // the wire does not wait
  }
}

// Once per round of blocks, not per packet.
void LiveWorker::ring_owners() {
  for (unsigned w = 0; w < shared_.workers; ++w) {
    if (!owner_has_news_[w]) continue;
    owner_has_news_[w] = false;
    shared_.mesh->bell(w).ring();
  }
}

void LiveWorker::drain_forwarded() {
  decode::PacketView view;
  for (unsigned from = 0; from < shared_.workers; ++from) {
    if (from == index_) continue;
    ForwardMesh::Queue& queue = shared_.mesh->queue(from, index_);
    // Bounded, so a busy sender cannot keep this worker from its own socket.
    for (std::uint32_t n = 0; n < ForwardMesh::depth_for(shared_.workers) && queue.try_pop(view);
         ++n) {
      tracker_.process(view);
    }
  }
}

// Frames still in a block the kernel has not handed over are at most a block
// timeout (one tick) old, so the clock stays that far behind the wall clock.
void LiveWorker::tick(Micros now) {
  tracker_.advance_clock(now - Micros{shared_.tick_ms} * 1000);
  output_.flush();
}

// No flow may end while another worker can still forward one of its packets:
// each worker announces that it forwards no more, then keeps draining its
// queues until every worker has; a final drain takes what came before.
void LiveWorker::finish_forwarding() {
  ring_owners();
  const unsigned workers = shared_.workers;
  if (shared_.done_forwarding.fetch_add(1, std::memory_order_acq_rel) + 1 == workers) {
    for (unsigned w = 0; w < workers; ++w) shared_.mesh->bell(w).ring();
  }
  WakeFd& bell = shared_.mesh->bell(index_);
  while (shared_.done_forwarding.load(std::memory_order_acquire) < workers) {
    drain_forwarded();
    pollfd fd{bell.fd(), POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(shared_.tick_ms)) > 0) bell.clear();
  }
  drain_forwarded();  // holds at most a queue's depth: takes everything that came before
}

WorkerStats LiveWorker::stats() const {
  const flow::FlowCounters& c = tracker_.counters();
  WorkerStats s;
  s.packets = c.packets.get();
  s.flows_created = c.flows_created.get();
  s.records_dropped = output_.records_dropped();
  s.packets_forwarded = forwarded_.get();
  s.forward_drops = forward_drops_.get();
  return s;
}

}  // namespace mld::pipeline
