#include "pipeline/run_stats.h"

namespace mld::pipeline {

void DecodeStats::add(const decode::DecodeCounters& c) {
  packets_read += c.packets_read.get();
  bytes_read += c.bytes_read.get();
  packets_decoded += c.packets_decoded.get();
  tunnelled += c.tunnelled.get();
  for (std::size_t i = 0; i < decode::kDropReasonSlots; ++i) drops[i] += c.drops[i].get();
  for (std::size_t i = 0; i < decode::kDecodeNoteCount; ++i) notes[i] += c.notes[i].get();
}

std::uint64_t DecodeStats::dropped() const {
  std::uint64_t total = 0;
  for (std::uint64_t n : drops) total += n;
  return total;
}

void AppStats::add(const app::AppCounters& c) {
#define MLD_APP_STAT_ADD(name) name += c.name.get();
  MLD_APP_COUNTERS(MLD_APP_STAT_ADD)
#undef MLD_APP_STAT_ADD
}

void FlowStats::add(const flow::FlowCounters& c) {
  packets += c.packets.get();
  bytes += c.bytes.get();
  created += c.flows_created.get();
  continuations += c.continuations.get();
  for (std::size_t i = 0; i < flow::kEndReasonCount; ++i) ended[i] += c.ended[i].get();
  tombstones_expired += c.tombstones_expired.get();
  tombstones_evicted += c.tombstones_evicted.get();
  timestamps_clamped += c.timestamps_clamped.get();
  active += c.active_flows.get();
}

}  // namespace mld::pipeline
