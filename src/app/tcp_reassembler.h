#pragma once
// One direction of one TCP flow turned back into the byte stream its sender
// wrote, for the flow's dissector, in bounded memory whatever the sender
// does. Used on the flow's worker thread only.
//
// Choices (each counted in AppCounters, at most once per segment):
// - Anchor: the first segment seen. With SYN, data starts at seq+1; without
//   (the flow was picked up mid-stream) at its seq, so a segment that was
//   overtaken by it before capture counts as a retransmission.
// - Sequence numbers wrap at 2^32: a segment is placed within -2 GiB..+2 GiB
//   of the in-order point. Offsets are 64-bit: streams may pass 4 GiB.
// - A segment wholly before the in-order point is a retransmission and is
//   dropped. Delivered bytes are not kept, so a segment that straddles the
//   in-order point counts as an overlap and only its new bytes are used:
//   overlaps with delivered data are counted, their content is not compared.
// - Overlaps with bytes held out of order: the first data wins; if the bytes
//   differ the segment counts as an overlap conflict (a classic evasion).
// - Memory: each held segment costs its bytes + kSegmentOverhead, charged to
//   the direction (StreamLimits::max_pending) and to the worker (StreamMemory).
//   A direction over its own budget has waited a whole budget of data for
//   its first hole, so that hole is skipped (a gap) and the held bytes after
//   it are delivered; no data is dropped for it. A segment the worker's
//   budget refuses is dropped (stream_memcap_drops): its hole is filled by a
//   retransmission or skipped later.
// - Depth: only the first `depth` bytes (by offset: gaps count) are
//   delivered; then held memory is freed and later segments are ignored.
// - FIN: the stream ends at the first FIN's offset; bytes past it are not
//   part of the stream. A FIN does not skip holes itself (a reordered or
//   retransmitted segment may still fill them): flush() does, at flow end.
// Known limit: acknowledgements are not tracked, so bytes a receiver would
// reject (outside its window) are held like any others and use the budget.
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "app/app_counters.h"
#include "app/dissector.h"
#include "app/stream_memory.h"

namespace mld::app {

struct StreamLimits {
  std::uint32_t depth = 1 << 20;          // stream.depth: bytes per direction; 0 = no limit
  std::uint32_t max_pending = 256 << 10;  // out-of-order bytes (with overhead) per direction
};

// Receives one direction's stream: bytes in order, with the holes in between.
// It must not call back into the reassembler that is delivering (to stop a
// stream, note it and call discard() once on_segment() has returned).
class StreamConsumer {
 public:
  virtual ~StreamConsumer() = default;
  // The next bytes of the stream; `data` is valid during the call only.
  virtual void deliver(Bytes data) = 0;
  // `length` bytes of the stream were lost before the next deliver().
  virtual void gap(std::uint64_t length) = 0;
};

class TcpReassembler {
 public:
  // Charged per held segment on top of its bytes: a std::map node and the
  // vector's own allocation with their allocator headers (about 96 bytes on
  // 64-bit libstdc++), so a flood of one-byte segments stays within budget.
  static constexpr std::size_t kSegmentOverhead = 96;

  TcpReassembler(const StreamLimits& limits, StreamMemory& memory, AppCounters& counters);
  ~TcpReassembler();  // gives its held bytes back to `memory`
  TcpReassembler(const TcpReassembler&) = delete;
  TcpReassembler& operator=(const TcpReassembler&) = delete;

  // One segment of this direction (zero-length ones included). `syn`: it
  // carries SYN, so its first data byte is seq+1.
  void on_segment(std::uint32_t seq, bool syn, bool fin, Bytes payload,
                  StreamConsumer& consumer);
  // The flow ends: every hole left is declared as a gap (up to the FIN when
  // one was seen) and the held bytes are delivered; then the stream is done.
  void flush(StreamConsumer& consumer);
  // The dissector wants no more: frees everything without delivering.
  void discard();

  // Depth reached, FIN reached, flushed or discarded: later segments are ignored.
  bool done() const { return done_; }
  // Bytes (with overhead) held out of order, as charged to the budgets.
  std::size_t memory_used() const { return memory_used_; }
  // Stream offset of the next in-order byte: bytes delivered + gap bytes.
  std::uint64_t offset() const { return next_; }

 private:
  using Held = std::map<std::uint64_t, std::vector<std::uint8_t>>;  // by stream offset
  // Payload bytes placed in the stream; `start` is negative for bytes before
  // offset 0 until trim_delivered() cuts them.
  struct Segment {
    std::int64_t start;
    Bytes data;
    std::int64_t end() const { return start + static_cast<std::int64_t>(data.size()); }
  };
  // What one segment overlapped, counted once per segment.
  struct Overlap {
    bool any = false;
    bool conflict = false;
  };

  std::int64_t offset_of(std::uint32_t seq) const;
  std::uint64_t stream_end() const;
  void note_fin(std::int64_t fin_offset);
  void accept(Segment segment, StreamConsumer& consumer);
  Held::const_iterator first_overlapping(std::uint64_t start) const;
  void compare_with_held(const Segment& segment, Overlap& overlap) const;
  bool trim_delivered(Segment& segment) const;
  // Calls visit(from, to, hint) for each range of `segment` no held segment covers.
  template <typename Visit>
  void for_each_uncovered(const Segment& segment, Visit visit) const;
  std::size_t uncovered_cost(const Segment& segment) const;
  bool store(const Segment& segment);
  void deliver_in_order(Segment segment, StreamConsumer& consumer);
  void drain_held(StreamConsumer& consumer);
  void skip_to(std::uint64_t offset, StreamConsumer& consumer);
  void deliver(Bytes data, StreamConsumer& consumer);
  void release_held(Held::const_iterator it);
  void finish();
  void free_held();

  StreamLimits limits_;
  StreamMemory& memory_;
  AppCounters& counters_;
  Held held_;  // disjoint segments, all after next_ and before stream_end()
  std::uint64_t next_ = 0;
  std::uint64_t fin_ = UINT64_MAX;  // offset of the first FIN; none yet
  std::uint32_t isn_ = 0;           // sequence number of offset 0
  bool anchored_ = false;
  bool done_ = false;
  std::size_t memory_used_ = 0;
};

}  // namespace mld::app
