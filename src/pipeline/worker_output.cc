#include "pipeline/worker_output.h"

#include <xxhash.h>

namespace mld::pipeline {

unsigned shard_of(const decode::IpAddress& host, unsigned shards) {
  if (shards == 1) return 0;
  const std::uint64_t hash = XXH3_64bits(host.bytes.data(), host.bytes.size());
  return static_cast<unsigned>(((hash >> 32) * shards) >> 32);
}

WorkerOutput::WorkerOutput(std::uint32_t depth, Doorbell& own_bell,
                           const std::vector<Doorbell*>& consumer_bells, Backpressure policy,
                           bool report_opened)
    : report_opened_(report_opened) {
  for (Doorbell* consumer_bell : consumer_bells) {
    channels_.push_back(std::make_unique<BatchChannel<RecordBatch>>(depth, own_bell, *consumer_bell));
    batchers_.push_back(std::make_unique<RecordBatcher>(*channels_.back(), own_bell, policy));
  }
}

RecordBatcher& WorkerOutput::batcher_for(const decode::IpAddress& host) {
  return *batchers_[shard_of(host, channels())];
}

void WorkerOutput::on_flow_end(const flow::FlowRecord& record) {
  batcher_for(record.src_ip).on_flow_end(record);
}

void WorkerOutput::on_app_event(app::AppEvent&& event) {
  batcher_for(event.flow.src_ip).on_app_event(std::move(event));
}

void WorkerOutput::on_packet(std::uint32_t slot, const flow::Flow& flow, flow::Direction side,
                             const decode::PacketView& packet) {
  if (report_opened_ && flow.packets[0] + flow.packets[1] == 1) {
    detect::FlowOpened opened{flow::identity_of(flow), packet.timestamp, packet.tcp_flags,
                              packet.icmp_type, packet.payload_length};
    const unsigned source = shard_of(opened.flow.src_ip, channels());
    const unsigned target = shard_of(opened.flow.dst_ip, channels());
    if (source != target) {
      detect::FlowOpened for_target = opened;
      for_target.as_source = false;
      batchers_[target]->on_flow_opened(for_target);
      opened.as_target = false;
    }
    batchers_[source]->on_flow_opened(opened);
  }
  if (next_ != nullptr) next_->on_packet(slot, flow, side, packet);
}

void WorkerOutput::on_flow_end(std::uint32_t slot, const flow::Flow& flow,
                               flow::FlowRecord& record) {
  if (next_ != nullptr) next_->on_flow_end(slot, flow, record);
}

void WorkerOutput::flush() {
  for (auto& batcher : batchers_) batcher->flush();
}

void WorkerOutput::close() {
  for (auto& batcher : batchers_) batcher->close();
}

std::uint64_t WorkerOutput::records_dropped() const {
  std::uint64_t total = 0;
  for (const auto& batcher : batchers_) total += batcher->dropped().get();
  return total;
}

std::uint64_t WorkerOutput::opened_dropped() const {
  std::uint64_t total = 0;
  for (const auto& batcher : batchers_) total += batcher->opened_dropped().get();
  return total;
}

std::uint64_t WorkerOutput::events_dropped() const {
  std::uint64_t total = 0;
  for (const auto& batcher : batchers_) total += batcher->events_dropped().get();
  return total;
}

}  // namespace mld::pipeline
