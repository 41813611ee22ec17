// libFuzzer target for TcpReassembler: the input scripts segments of two
// directions that share one small worker budget. Payload bytes are a fixed
// function of their sequence number (or, on request, raw input bytes, which
// may conflict), so every delivered byte can be checked against its place.
// Invariants checked after every step (abort on violation):
// - bytes delivered + gap bytes == the stream's offset (contiguous progress),
//   which only grows;
// - each delivered byte is the one sent at its sequence number (pattern payloads);
// - held memory within the direction's and the worker's budgets, and the
//   worker's in_use is the sum of both directions' memory_used();
// - nothing past the depth; after flush/discard/destruction memory is back to zero.
//
// Input: 8 bytes of setup (limits, initial sequence numbers), then steps of
// 4 bytes: op, 16-bit sequence delta, length (raw payloads follow their step).
// op: bits 0-2 the kind (0 flush, 1 discard, 2 far jump, 3 SYN, else data),
// bit 3 the direction, then FIN, raw payload, advance the cursor, long segment.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "app/tcp_reassembler.h"
#include "fuzz_require.h"

namespace {

using namespace mld::app;
using mld::fuzz::require;

std::uint8_t pattern(std::uint32_t seq) {
  return static_cast<std::uint8_t>((seq * 2654435761u) >> 24);
}

// Checks each delivered byte against the pattern at its sequence number.
class CheckingConsumer : public StreamConsumer {
 public:
  void deliver(Bytes data) override {
    require(!data.empty(), "no empty deliveries");
    if (anchor && !raw_sent) {
      for (std::size_t i = 0; i < data.size(); ++i) {
        const auto seq = static_cast<std::uint32_t>(*anchor + progress + i);
        require(data[i] == pattern(seq), "delivered byte is the one sent at its place");
      }
    }
    progress += data.size();
  }
  void gap(std::uint64_t length) override {
    // Segments are placed within 2 GiB of the in-order point: a longer hole
    // means the offset went backwards (wrapped).
    require(length > 0 && length <= (std::uint64_t{1} << 32), "gap within the window");
    progress += length;
  }

  std::uint64_t progress = 0;  // delivered + gap bytes
  std::optional<std::uint32_t> anchor;  // sequence number of offset 0
  bool raw_sent = false;  // raw payloads may conflict: content is not checked
};

struct Direction {
  Direction(const StreamLimits& limits, StreamMemory& memory, AppCounters& counters,
            std::uint32_t isn)
      : stream(limits, memory, counters), cursor(isn) {}

  TcpReassembler stream;
  CheckingConsumer out;
  std::uint32_t cursor;  // sequence number steps are relative to
  std::uint64_t last_offset = 0;
};

void check(Direction& d, const StreamLimits& limits) {
  require(d.out.progress == d.stream.offset(), "delivered + gaps == offset");
  require(d.stream.offset() >= d.last_offset, "the offset never goes back");
  d.last_offset = d.stream.offset();
  require(d.stream.memory_used() <= limits.max_pending, "direction within max_pending");
  require(limits.depth == 0 || d.stream.offset() <= limits.depth, "nothing past the depth");
  if (d.stream.done()) require(d.stream.memory_used() == 0, "done holds nothing");
}

std::vector<std::uint8_t> pattern_payload(std::uint32_t seq, std::size_t length) {
  std::vector<std::uint8_t> bytes(length);
  for (std::size_t i = 0; i < length; ++i) bytes[i] = pattern(seq + static_cast<std::uint32_t>(i));
  return bytes;
}

// One scripted step on direction `d`; returns the input bytes it consumed.
std::size_t step(Direction& d, const std::uint8_t* in, std::size_t left) {
  const std::uint8_t op = in[0];
  const auto delta = static_cast<std::int16_t>((in[1] << 8) | in[2]);
  std::size_t length = in[3];
  if (op & 0x80) length *= 64;  // long segments, up to 16 KiB
  std::size_t used = 4;
  switch (op & 0x07) {
    case 0: d.stream.flush(d.out); return used;
    case 1: d.stream.discard(); return used;
    case 2: d.cursor += static_cast<std::uint32_t>(delta) << 16; return used;  // far jumps, wrap
    default: break;
  }
  const bool syn = (op & 0x07) == 3;
  const bool fin = (op & 0x10) != 0;
  const std::uint32_t seq = d.cursor + static_cast<std::uint32_t>(delta);
  const std::uint32_t data_seq = syn ? seq + 1 : seq;
  std::vector<std::uint8_t> payload;
  if (op & 0x20) {  // raw input bytes
    length = std::min(length, left - used);
    payload.assign(in + used, in + used + length);
    used += length;
    if (length > 0) d.out.raw_sent = true;
  } else {
    payload = pattern_payload(data_seq, length);
  }
  if (!d.out.anchor && !d.stream.done()) d.out.anchor = data_seq;
  d.stream.on_segment(seq, syn, fin, payload, d.out);
  if (op & 0x40) d.cursor = data_seq + static_cast<std::uint32_t>(length);
  return used;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 8) return 0;
  const StreamLimits limits{.depth = static_cast<std::uint32_t>(data[0]) * 256,
                            .max_pending = 64 + static_cast<std::uint32_t>(data[1]) * 16};
  StreamMemory memory(static_cast<std::uint64_t>(data[2]) * 32);
  AppCounters counters;
  const std::uint32_t isn = static_cast<std::uint32_t>(data[3] << 24 | data[4] << 16 |
                                                       data[5] << 8 | data[6]);
  {
    Direction sides[2] = {{limits, memory, counters, isn}, {limits, memory, counters, ~isn}};
    for (std::size_t at = 8; at + 4 <= size;) {
      Direction& d = sides[(data[at] >> 3) & 1];
      at += step(d, data + at, size - at);
      check(sides[0], limits);
      check(sides[1], limits);
      require(memory.in_use() == sides[0].stream.memory_used() + sides[1].stream.memory_used(),
              "worker in_use is the sum of its streams");
      require(memory.in_use() <= memory.cap(), "worker within its cap");
    }
    if (data[7] & 1) {  // flow end, or destruction with bytes still held
      for (Direction& d : sides) {
        d.stream.flush(d.out);
        check(d, limits);
        require(d.stream.memory_used() == 0, "flush frees everything");
      }
    }
  }
  require(memory.in_use() == 0, "memory back to zero after destruction");
  return 0;
}
