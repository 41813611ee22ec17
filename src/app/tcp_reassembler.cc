#include "app/tcp_reassembler.h"

#include <algorithm>
#include <cstring>
#include <iterator>

namespace mld::app {

TcpReassembler::TcpReassembler(const StreamLimits& limits, StreamMemory& memory,
                               AppCounters& counters)
    : limits_(limits), memory_(memory), counters_(counters) {}

TcpReassembler::~TcpReassembler() { free_held(); }

void TcpReassembler::on_segment(std::uint32_t seq, bool syn, bool fin, Bytes payload,
                                StreamConsumer& consumer) {
  if (done_) return;
  const std::uint32_t data_seq = syn ? seq + 1 : seq;
  if (!anchored_) {
    isn_ = data_seq;
    anchored_ = true;
  }
  const Segment segment{offset_of(data_seq), payload};
  if (fin) note_fin(segment.end());
  if (!payload.empty()) accept(segment, consumer);
  if (next_ >= stream_end()) finish();
}

void TcpReassembler::flush(StreamConsumer& consumer) {
  if (done_) return;
  while (!held_.empty()) skip_to(held_.begin()->first, consumer);
  // The bytes before a FIN that was seen were sent, and lost: say so.
  if (fin_ != UINT64_MAX && next_ < stream_end()) skip_to(stream_end(), consumer);
  finish();
}

void TcpReassembler::discard() {
  free_held();
  done_ = true;
}

std::int64_t TcpReassembler::offset_of(std::uint32_t seq) const {
  // The signed 32-bit distance from the in-order point's sequence number
  // places `seq` correctly across the 2^32 wrap (modular in C++20).
  const std::uint32_t next_seq = isn_ + static_cast<std::uint32_t>(next_);
  return static_cast<std::int64_t>(next_) + static_cast<std::int32_t>(seq - next_seq);
}

std::uint64_t TcpReassembler::stream_end() const {
  const std::uint64_t depth = limits_.depth == 0 ? UINT64_MAX : limits_.depth;
  return std::min(depth, fin_);
}

void TcpReassembler::note_fin(std::int64_t fin_offset) {
  // The first FIN wins, as the first data does; one before delivered bytes is bogus.
  if (fin_ != UINT64_MAX || fin_offset < static_cast<std::int64_t>(next_)) return;
  fin_ = static_cast<std::uint64_t>(fin_offset);
  for (auto it = held_.lower_bound(fin_); it != held_.end();) release_held(it++);
  if (held_.empty()) return;
  auto& [start, bytes] = *std::prev(held_.end());
  if (start + bytes.size() <= fin_) return;
  const std::size_t keep = static_cast<std::size_t>(fin_ - start);
  const std::size_t freed = bytes.size() - keep;
  std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + keep).swap(bytes);
  memory_.release(freed);
  memory_used_ -= freed;
}

void TcpReassembler::accept(Segment segment, StreamConsumer& consumer) {
  const std::int64_t next = static_cast<std::int64_t>(next_);
  if (segment.end() <= next) {
    counters_.stream_retransmissions.add();
    return;
  }
  const std::int64_t end = static_cast<std::int64_t>(
      std::min<std::uint64_t>(stream_end(), static_cast<std::uint64_t>(INT64_MAX)));
  if (segment.start >= end) return;  // past the FIN or the depth: not part of the stream
  if (segment.end() > end) {
    segment.data = segment.data.first(static_cast<std::size_t>(end - segment.start));
  }

  Overlap overlap;
  overlap.any = segment.start < next;  // with delivered bytes: content not kept
  trim_delivered(segment);
  if (segment.start > next) counters_.stream_out_of_order.add();
  compare_with_held(segment, overlap);
  do {
    if (segment.start == static_cast<std::int64_t>(next_)) {
      deliver_in_order(segment, consumer);
      break;
    }
    if (store(segment)) break;
    // Over this direction's budget: give up on the first hole.
    const std::uint64_t start = static_cast<std::uint64_t>(segment.start);
    skip_to(held_.empty() ? start : std::min(start, held_.begin()->first), consumer);
  } while (trim_delivered(segment));
  if (overlap.any) counters_.stream_overlaps.add();
  if (overlap.conflict) counters_.stream_overlap_conflicts.add();
}

TcpReassembler::Held::const_iterator TcpReassembler::first_overlapping(std::uint64_t start) const {
  auto it = held_.upper_bound(start);
  if (it != held_.begin()) {
    const auto before = std::prev(it);
    if (before->first + before->second.size() > start) return before;
  }
  return it;
}

void TcpReassembler::compare_with_held(const Segment& segment, Overlap& overlap) const {
  const std::uint64_t start = static_cast<std::uint64_t>(segment.start);
  const std::uint64_t end = static_cast<std::uint64_t>(segment.end());
  for (auto it = first_overlapping(start); it != held_.end() && it->first < end; ++it) {
    const std::uint64_t from = std::max(start, it->first);
    const std::uint64_t to = std::min<std::uint64_t>(end, it->first + it->second.size());
    overlap.any = true;
    const std::uint8_t* ours = segment.data.data() + (from - segment.start);
    const std::uint8_t* held = it->second.data() + (from - it->first);
    if (std::memcmp(ours, held, to - from) != 0) overlap.conflict = true;
  }
}

bool TcpReassembler::trim_delivered(Segment& segment) const {
  const std::int64_t next = static_cast<std::int64_t>(next_);
  if (segment.end() <= next) return false;
  if (segment.start < next) {
    segment.data = segment.data.subspan(static_cast<std::size_t>(next - segment.start));
    segment.start = next;
  }
  return true;
}

template <typename Visit>
void TcpReassembler::for_each_uncovered(const Segment& segment, Visit visit) const {
  const std::uint64_t start = static_cast<std::uint64_t>(segment.start);
  const std::uint64_t end = static_cast<std::uint64_t>(segment.end());
  std::uint64_t covered_to = start;
  auto it = first_overlapping(start);
  for (; it != held_.end() && it->first < end; ++it) {
    if (it->first > covered_to) visit(covered_to, it->first, it);
    covered_to = std::max<std::uint64_t>(covered_to, it->first + it->second.size());
  }
  if (covered_to < end) visit(covered_to, end, it);
}

std::size_t TcpReassembler::uncovered_cost(const Segment& segment) const {
  std::size_t cost = 0;
  for_each_uncovered(segment, [&](std::uint64_t from, std::uint64_t to, Held::const_iterator) {
    cost += static_cast<std::size_t>(to - from) + kSegmentOverhead;
  });
  return cost;
}

bool TcpReassembler::store(const Segment& segment) {
  const std::size_t cost = uncovered_cost(segment);
  if (cost == 0) return true;  // every byte already held: the first data stays
  if (memory_used_ + cost > limits_.max_pending) return false;
  if (!memory_.reserve(cost)) {
    counters_.stream_memcap_drops.add();
    return true;
  }
  memory_used_ += cost;
  const auto* bytes = segment.data.data();
  // Only the bytes no held segment has yet, so held segments stay disjoint.
  // Inserting keeps the walk's iterators valid (std::map).
  for_each_uncovered(
      segment, [&](std::uint64_t from, std::uint64_t to, Held::const_iterator before) {
        const auto* first = bytes + (from - segment.start);
        held_.emplace_hint(before, from, std::vector<std::uint8_t>(first, first + (to - from)));
      });
  return true;
}

void TcpReassembler::deliver_in_order(Segment segment, StreamConsumer& consumer) {
  do {
    // Up to the next held segment: held bytes came first, so they win.
    const std::uint64_t end = static_cast<std::uint64_t>(segment.end());
    const std::uint64_t stop = held_.empty() ? end : std::min(end, held_.begin()->first);
    deliver(segment.data.first(stop - next_), consumer);
    drain_held(consumer);
  } while (trim_delivered(segment));
}

void TcpReassembler::drain_held(StreamConsumer& consumer) {
  while (!held_.empty() && held_.begin()->first == next_) {
    deliver(held_.begin()->second, consumer);
    release_held(held_.begin());
  }
}

void TcpReassembler::skip_to(std::uint64_t offset, StreamConsumer& consumer) {
  const std::uint64_t length = offset - next_;
  counters_.stream_gaps.add();
  counters_.stream_gap_bytes.add(length);
  consumer.gap(length);
  next_ = offset;
  drain_held(consumer);
}

void TcpReassembler::deliver(Bytes data, StreamConsumer& consumer) {
  if (data.empty()) return;
  consumer.deliver(data);
  next_ += data.size();
}

void TcpReassembler::release_held(Held::const_iterator it) {
  const std::size_t cost = it->second.size() + kSegmentOverhead;
  memory_.release(cost);
  memory_used_ -= cost;
  held_.erase(it);
}

void TcpReassembler::finish() {
  const bool cut_by_depth = limits_.depth != 0 && next_ >= limits_.depth && fin_ > limits_.depth;
  if (cut_by_depth) counters_.stream_depth_reached.add();
  discard();
}

void TcpReassembler::free_held() {
  while (!held_.empty()) release_held(held_.begin());
}

}  // namespace mld::app
