// TCP reassembly of one direction. Expected streams are written out by hand
// for the crafted cases; for real captures they come from an independent
// byte-by-byte model (a short Python pcap reader, first data wins) and from
// `tcpdump -S` (SYN and FIN sequence numbers), recorded as length + SHA-256.
#include "app/tcp_reassembler.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tools/capture_payloads.h"
#include "tools/shared_data.h"

namespace mld::app {
namespace {

constexpr std::size_t kOverhead = TcpReassembler::kSegmentOverhead;

Bytes bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// The stream as the dissector would see it: bytes, and holes as "[gap N]".
class Recorder : public StreamConsumer {
 public:
  void deliver(Bytes data) override {
    log.append(data.begin(), data.end());
    bytes.append(data.begin(), data.end());
  }
  void gap(std::uint64_t length) override { log += "[gap " + std::to_string(length) + "]"; }

  std::string log;
  std::string bytes;  // delivered bytes only
};

// One direction with its own worker budget.
struct Harness {
  explicit Harness(StreamLimits limits = {}, std::uint64_t memcap = 1 << 30)
      : memory(memcap), stream(limits, memory, counters) {}

  void syn(std::uint32_t seq, std::string_view text = "") {
    stream.on_segment(seq, true, false, bytes_of(text), out);
  }
  void data(std::uint32_t seq, std::string_view text) {
    stream.on_segment(seq, false, false, bytes_of(text), out);
  }
  void fin(std::uint32_t seq, std::string_view text = "") {
    stream.on_segment(seq, false, true, bytes_of(text), out);
  }
  void flush() { stream.flush(out); }

  StreamMemory memory;
  AppCounters counters;
  Recorder out;
  TcpReassembler stream;
};

std::string sha256_hex(std::string_view data) {
  unsigned char digest[32];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  char two[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(two, sizeof two, "%02x", digest[i]);
    hex += two;
  }
  return hex;
}

TEST(TcpReassembler, InOrderSegmentsAreDeliveredAsTheyCome) {
  Harness h;
  h.syn(1000);
  h.data(1001, "GET ");
  EXPECT_EQ(h.out.log, "GET ");
  h.data(1005, "/ HTTP/1.1");
  EXPECT_EQ(h.out.log, "GET / HTTP/1.1");
  EXPECT_EQ(h.stream.offset(), 14u);
  EXPECT_EQ(h.stream.memory_used(), 0u);
  EXPECT_EQ(h.counters.stream_out_of_order.get(), 0u);
  EXPECT_EQ(h.counters.stream_retransmissions.get(), 0u);
  EXPECT_FALSE(h.stream.done());
}

TEST(TcpReassembler, SynPayloadStartsAfterTheSynSequenceNumber) {
  Harness h;
  h.syn(500, "fast");  // TCP Fast Open: data in the SYN, first byte at seq 501
  h.data(505, "open");
  EXPECT_EQ(h.out.log, "fastopen");
}

TEST(TcpReassembler, SequenceNumbersWrapAt2To32) {
  Harness h;
  h.syn(0xFFFFFFFDu);            // first data byte at 0xFFFFFFFE
  h.data(0xFFFFFFFEu, "ab");     // offsets 0-1: seq FFFFFFFE, FFFFFFFF
  h.data(2, "ef");               // offsets 4-5, after the wrap: held
  EXPECT_EQ(h.out.log, "ab");
  h.data(0, "cd");               // offsets 2-3
  EXPECT_EQ(h.out.log, "abcdef");
  EXPECT_EQ(h.counters.stream_out_of_order.get(), 1u);
  h.data(0xFFFFFFFFu, "b");      // offset 1 again, before the wrap: a retransmission
  EXPECT_EQ(h.counters.stream_retransmissions.get(), 1u);
}

TEST(TcpReassembler, OutOfOrderSegmentsWaitForTheHole) {
  Harness h;
  h.syn(0);
  h.data(4, "def");  // offsets 3-5
  h.data(7, "ghi");  // offsets 6-8
  EXPECT_EQ(h.out.log, "");
  EXPECT_EQ(h.stream.memory_used(), 6 + 2 * kOverhead);
  EXPECT_EQ(h.memory.in_use(), 6 + 2 * kOverhead);
  h.data(1, "abc");
  EXPECT_EQ(h.out.log, "abcdefghi");
  EXPECT_EQ(h.counters.stream_out_of_order.get(), 2u);
  EXPECT_EQ(h.stream.memory_used(), 0u);
  EXPECT_EQ(h.memory.in_use(), 0u);
}

TEST(TcpReassembler, RetransmissionsAreCountedAndDropped) {
  Harness h;
  h.syn(0);
  h.data(1, "abc");
  h.data(1, "abc");
  h.data(3, "b");  // a keep-alive style probe of the last byte
  h.data(1, "XYZ");  // different bytes: not compared, they are gone
  EXPECT_EQ(h.out.log, "abc");
  EXPECT_EQ(h.counters.stream_retransmissions.get(), 3u);
  EXPECT_EQ(h.counters.stream_overlaps.get(), 0u);
  EXPECT_EQ(h.counters.stream_overlap_conflicts.get(), 0u);
}

TEST(TcpReassembler, SegmentStraddlingTheInOrderPointAddsOnlyNewBytes) {
  Harness h;
  h.syn(0);
  h.data(1, "abc");
  h.data(2, "XXdef");  // offsets 1-5: 1-2 were delivered (not compared), 3-5 are new
  EXPECT_EQ(h.out.log, "abcdef");
  EXPECT_EQ(h.counters.stream_overlaps.get(), 1u);
  EXPECT_EQ(h.counters.stream_overlap_conflicts.get(), 0u);
  EXPECT_EQ(h.counters.stream_retransmissions.get(), 0u);
}

TEST(TcpReassembler, OverlapWithHeldBytesOfSameContent) {
  Harness h;
  h.syn(0);
  h.data(4, "def");    // offsets 3-5 held
  h.data(3, "cdefg");  // offsets 2-6: 3-5 overlap with equal bytes, 2 and 6 are new
  EXPECT_EQ(h.stream.memory_used(), 5 + 3 * kOverhead);  // "def", "c", "g"
  h.data(1, "ab");
  EXPECT_EQ(h.out.log, "abcdefg");
  EXPECT_EQ(h.counters.stream_overlaps.get(), 1u);
  EXPECT_EQ(h.counters.stream_overlap_conflicts.get(), 0u);
  EXPECT_EQ(h.counters.stream_out_of_order.get(), 2u);
}

TEST(TcpReassembler, OverlapWithDifferentHeldBytesKeepsTheFirst) {
  Harness h;
  h.syn(0);
  h.data(4, "def");   // offsets 3-5 held
  h.data(4, "XYZW");  // offsets 3-6: 3-5 conflict, "W" at 6 is new
  h.data(1, "abc");
  EXPECT_EQ(h.out.log, "abcdefW");
  EXPECT_EQ(h.counters.stream_overlaps.get(), 1u);
  EXPECT_EQ(h.counters.stream_overlap_conflicts.get(), 1u);
}

TEST(TcpReassembler, InOrderSegmentOverlappingHeldBytesLosesToThem) {
  Harness h;
  h.syn(0);
  h.data(6, "fgh");        // offsets 5-7 held
  h.data(1, "abcdeXYZij");  // offsets 0-9: 5-7 differ from what was held first
  EXPECT_EQ(h.out.log, "abcdefghij");
  EXPECT_EQ(h.counters.stream_overlaps.get(), 1u);
  EXPECT_EQ(h.counters.stream_overlap_conflicts.get(), 1u);
  EXPECT_EQ(h.stream.memory_used(), 0u);
}

TEST(TcpReassembler, FlushSkipsEveryHoleAndDeliversWhatWasHeld) {
  Harness h;
  h.syn(0);
  h.data(1, "abc");   // offsets 0-2
  h.data(7, "ghi");   // offsets 6-8
  h.data(12, "lm");   // offsets 11-12
  h.flush();
  EXPECT_EQ(h.out.log, "abc[gap 3]ghi[gap 2]lm");
  EXPECT_EQ(h.counters.stream_gaps.get(), 2u);
  EXPECT_EQ(h.counters.stream_gap_bytes.get(), 5u);
  EXPECT_TRUE(h.stream.done());
  EXPECT_EQ(h.memory.in_use(), 0u);
  h.data(14, "n");  // after the end: ignored, nothing counted
  EXPECT_EQ(h.out.log, "abc[gap 3]ghi[gap 2]lm");
  EXPECT_EQ(h.counters.stream_out_of_order.get(), 2u);
}

TEST(TcpReassembler, FlushDeclaresTheHoleBeforeASeenFin) {
  Harness h;
  h.syn(0);
  h.data(1, "abc");    // offsets 0-2
  h.fin(10, "jk");     // offsets 9-10, the FIN after them: the stream ends at 11
  EXPECT_FALSE(h.stream.done());  // a late segment may still fill 3-8
  h.flush();
  EXPECT_EQ(h.out.log, "abc[gap 6]jk");

  Harness tail;
  tail.syn(0);
  tail.data(1, "abc");
  tail.fin(12);  // bytes 3-10 were sent and not captured
  tail.flush();
  EXPECT_EQ(tail.out.log, "abc[gap 8]");
  EXPECT_EQ(tail.counters.stream_gap_bytes.get(), 8u);
}

TEST(TcpReassembler, FinReachedEndsTheStream) {
  Harness h;
  h.syn(0);
  h.data(6, "xyz");  // offsets 5-7 held
  h.fin(7);          // the stream ends at offset 6: "yz" is not part of it
  EXPECT_EQ(h.stream.memory_used(), 1 + kOverhead);
  h.data(1, "abcdeQQQ");  // offsets 0-7: "x" held first wins, 6-7 are past the FIN
  EXPECT_EQ(h.out.log, "abcdex");
  EXPECT_TRUE(h.stream.done());
  EXPECT_EQ(h.memory.in_use(), 0u);
  EXPECT_EQ(h.counters.stream_depth_reached.get(), 0u);
}

TEST(TcpReassembler, FinBeforeDeliveredBytesIsIgnored) {
  Harness h;
  h.syn(0);
  h.data(1, "abcdef");
  h.fin(3);  // offset 2: bogus, bytes up to 5 were delivered
  EXPECT_FALSE(h.stream.done());
  h.data(7, "g");
  EXPECT_EQ(h.out.log, "abcdefg");
}

TEST(TcpReassembler, DirectionOverItsBudgetSkipsItsFirstHole) {
  // Two held 4-byte segments fill the budget exactly.
  Harness h(StreamLimits{.depth = 0, .max_pending = 2 * (4 + kOverhead)});
  h.syn(0);
  h.data(5, "efgh");   // offsets 4-7
  h.data(13, "mnop");  // offsets 12-15
  EXPECT_EQ(h.stream.memory_used(), 2 * (4 + kOverhead));
  h.data(21, "uvwx");  // offsets 20-23: no room; hole 0-3 is given up
  EXPECT_EQ(h.out.log, "[gap 4]efgh");
  EXPECT_EQ(h.stream.memory_used(), 2 * (4 + kOverhead));  // "mnop" and "uvwx"
  EXPECT_EQ(h.counters.stream_memcap_drops.get(), 0u);
  h.data(9, "ijkl");  // offsets 8-11: fills the next hole
  EXPECT_EQ(h.out.log, "[gap 4]efghijklmnop");
  h.flush();
  EXPECT_EQ(h.out.log, "[gap 4]efghijklmnop[gap 4]uvwx");
  EXPECT_EQ(h.counters.stream_gaps.get(), 2u);
  EXPECT_EQ(h.counters.stream_gap_bytes.get(), 8u);
}

TEST(TcpReassembler, SegmentLargerThanTheBudgetIsDeliveredAfterAGap) {
  Harness h(StreamLimits{.depth = 0, .max_pending = 8 + kOverhead});
  h.syn(0);
  h.data(11, "0123456789");  // offsets 10-19: more than a direction may hold
  EXPECT_EQ(h.out.log, "[gap 10]0123456789");
  EXPECT_EQ(h.stream.memory_used(), 0u);
}

TEST(TcpReassembler, WorkerBudgetIsSharedAndAStarvedStreamDrops) {
  StreamMemory memory(3 * (10 + kOverhead));
  AppCounters counters;
  Recorder out_a, out_b;
  TcpReassembler a({}, memory, counters);
  TcpReassembler b({}, memory, counters);
  a.on_segment(0, true, false, {}, out_a);
  b.on_segment(0, true, false, {}, out_b);
  a.on_segment(11, false, false, bytes_of("AAAAAAAAAA"), out_a);  // offsets 10-19
  a.on_segment(31, false, false, bytes_of("CCCCCCCCCC"), out_a);  // offsets 30-39
  b.on_segment(11, false, false, bytes_of("bbbbbbbbbb"), out_b);  // takes the last share
  EXPECT_EQ(memory.in_use(), memory.cap());
  b.on_segment(21, false, false, bytes_of("cccccccccc"), out_b);  // refused: dropped
  EXPECT_EQ(counters.stream_memcap_drops.get(), 1u);
  EXPECT_EQ(b.memory_used(), 10 + kOverhead);
  // In-order bytes need no budget, and delivering frees held ones.
  b.on_segment(1, false, false, bytes_of("aaaaaaaaaa"), out_b);
  EXPECT_EQ(out_b.log, "aaaaaaaaaabbbbbbbbbb");
  EXPECT_EQ(memory.in_use(), 2 * (10 + kOverhead));
  a.flush(out_a);
  EXPECT_EQ(out_a.log, "[gap 10]AAAAAAAAAA[gap 10]CCCCCCCCCC");
  EXPECT_EQ(memory.in_use(), 0u);
  b.on_segment(41, false, false, bytes_of("e"), out_b);  // offset 40: room again
  EXPECT_EQ(b.memory_used(), 1 + kOverhead);
}

TEST(TcpReassembler, DepthCutsTheStreamExactlyAtTheLimit) {
  Harness h(StreamLimits{.depth = 10, .max_pending = 1 << 16});
  h.syn(0);
  h.data(1, "abcdef");  // offsets 0-5
  h.data(8, "hi");      // offsets 7-8 held
  h.data(7, "ghijkl");  // offsets 6-11 straddle the depth: 6, then held 7-8, then 9
  EXPECT_EQ(h.out.log, "abcdefghij");
  EXPECT_TRUE(h.stream.done());
  EXPECT_EQ(h.counters.stream_depth_reached.get(), 1u);
  EXPECT_EQ(h.memory.in_use(), 0u);
  h.data(13, "mn");
  h.data(1, "abc");
  h.flush();
  EXPECT_EQ(h.out.log, "abcdefghij");
  EXPECT_EQ(h.counters.stream_depth_reached.get(), 1u);
  EXPECT_EQ(h.counters.stream_retransmissions.get(), 0u);  // ignored after the end
}

TEST(TcpReassembler, HeldBytesPastTheDepthAreNeverStored) {
  Harness h(StreamLimits{.depth = 10, .max_pending = 1 << 16});
  h.syn(0);
  h.data(9, "ijklmn");  // offsets 8-13: only 8-9 are within the depth
  EXPECT_EQ(h.stream.memory_used(), 2 + kOverhead);
  h.data(20, "t");  // offset 19: past the depth
  EXPECT_EQ(h.stream.memory_used(), 2 + kOverhead);
  h.data(1, "abcdefgh");
  EXPECT_EQ(h.out.log, "abcdefghij");
  EXPECT_EQ(h.counters.stream_depth_reached.get(), 1u);
}

TEST(TcpReassembler, FinAtTheDepthIsNotADepthCut) {
  Harness h(StreamLimits{.depth = 4, .max_pending = 1 << 16});
  h.syn(0);
  h.fin(1, "abcd");
  EXPECT_TRUE(h.stream.done());
  EXPECT_EQ(h.counters.stream_depth_reached.get(), 0u);
}

TEST(TcpReassembler, MidStreamPickupAnchorsAtTheFirstSegment) {
  Harness h;
  h.data(5000, "abc");  // no SYN seen: offset 0 is seq 5000
  h.data(5003, "def");
  EXPECT_EQ(h.out.log, "abcdef");
  h.data(4990, "0123456789");  // ends at 5000: was sent before the pickup
  EXPECT_EQ(h.counters.stream_retransmissions.get(), 1u);
  h.data(4998, "xxabcdefgh");  // offsets -2..7: only 6-7 are new
  EXPECT_EQ(h.out.log, "abcdefgh");
  EXPECT_EQ(h.counters.stream_overlaps.get(), 1u);
}

TEST(TcpReassembler, ZeroLengthSegmentsCountNothing) {
  Harness h;
  h.syn(0);
  h.data(1, "ab");
  h.data(1, "");  // pure ACKs, old and new
  h.data(3, "");
  h.data(90, "");
  EXPECT_EQ(h.out.log, "ab");
  EXPECT_EQ(h.counters.stream_retransmissions.get(), 0u);
  EXPECT_EQ(h.counters.stream_out_of_order.get(), 0u);
  EXPECT_EQ(h.counters.stream_overlaps.get(), 0u);
}

TEST(TcpReassembler, DiscardAndDestructionGiveTheMemoryBack) {
  StreamMemory memory(1 << 20);
  AppCounters counters;
  Recorder out;
  {
    TcpReassembler stream({}, memory, counters);
    stream.on_segment(0, true, false, {}, out);
    stream.on_segment(10, false, false, bytes_of("later"), out);
    EXPECT_EQ(memory.in_use(), 5 + kOverhead);
  }
  EXPECT_EQ(memory.in_use(), 0u);

  TcpReassembler stream({}, memory, counters);
  stream.on_segment(0, true, false, {}, out);
  stream.on_segment(10, false, false, bytes_of("later"), out);
  stream.discard();
  EXPECT_TRUE(stream.done());
  EXPECT_EQ(memory.in_use(), 0u);
  stream.flush(out);
  EXPECT_EQ(out.log, "");
}

// Counts bytes and keeps the last few: a stream too long to record.
class TailRecorder : public StreamConsumer {
 public:
  void deliver(Bytes data) override {
    total += data.size();
    const std::size_t keep = std::min<std::size_t>(data.size(), 16);
    tail.append(data.end() - keep, data.end());
    if (tail.size() > 16) tail.erase(0, tail.size() - 16);
  }
  void gap(std::uint64_t length) override { gaps += length; }

  std::uint64_t total = 0;
  std::uint64_t gaps = 0;
  std::string tail;
};

TEST(TcpReassembler, StreamsLongerThan4GiBKeepTheirOffsets) {
  StreamMemory memory(1 << 20);
  AppCounters counters;
  TailRecorder out;
  TcpReassembler stream(StreamLimits{.depth = 0, .max_pending = 1 << 16}, memory, counters);
  const std::vector<std::uint8_t> chunk(1 << 16, '.');
  std::uint32_t seq = 0x80000000u;
  stream.on_segment(seq++, true, false, {}, out);
  for (int i = 0; i < (1 << 16) + 1; ++i, seq += chunk.size()) {  // 4 GiB + 64 KiB
    stream.on_segment(seq, false, false, chunk, out);
  }
  const std::uint64_t four_gib_and_chunk = (std::uint64_t{1} << 32) + chunk.size();
  ASSERT_EQ(stream.offset(), four_gib_and_chunk);
  stream.on_segment(seq + 3, false, false, bytes_of("def"), out);  // held across 2^32 again
  stream.on_segment(seq, false, false, bytes_of("abc"), out);
  EXPECT_EQ(out.total, four_gib_and_chunk + 6);
  EXPECT_EQ(out.tail, "..........abcdef");
  EXPECT_EQ(counters.stream_out_of_order.get(), 1u);
  stream.on_segment(seq - 2, false, false, bytes_of(".."), out);  // seq wrapped: still old
  EXPECT_EQ(counters.stream_retransmissions.get(), 1u);
}

// A stream cut into segments of random sizes, each sent once, some again
// (with other boundaries), all in random order.
struct Scrambled {
  std::string stream;
  std::vector<std::pair<std::uint32_t, std::string>> segments;  // offset, bytes
};

Scrambled scramble(std::mt19937& random) {
  Scrambled s;
  s.stream.resize(std::uniform_int_distribution<std::size_t>(1, 20000)(random));
  for (char& c : s.stream) c = static_cast<char>(random());
  std::uniform_int_distribution<std::size_t> length(1, 700);
  for (std::size_t at = 0; at < s.stream.size();) {
    const std::size_t n = std::min(length(random), s.stream.size() - at);
    s.segments.emplace_back(at, s.stream.substr(at, n));
    at += n;
  }
  const std::size_t copies = s.segments.size() / 2;
  for (std::size_t i = 0; i < copies; ++i) {
    const std::size_t at = random() % s.stream.size();
    s.segments.emplace_back(at, s.stream.substr(at, length(random)));
  }
  std::shuffle(s.segments.begin(), s.segments.end(), random);
  return s;
}

TEST(TcpReassembler, PermutedAndDuplicatedSegmentsGiveBackTheStream) {
  std::mt19937 random(20240601);
  for (int round = 0; round < 300; ++round) {
    const Scrambled s = scramble(random);
    Harness h;
    const std::uint32_t isn = random();  // some rounds cross the wrap
    h.syn(isn);
    for (const auto& [offset, bytes] : s.segments) h.data(isn + 1 + offset, bytes);
    ASSERT_EQ(h.out.log, s.stream) << "round " << round;
    EXPECT_EQ(h.counters.stream_overlap_conflicts.get(), 0u);
    EXPECT_EQ(h.memory.in_use(), 0u);
  }
}

// Checks every delivered byte against the original stream at its offset.
class CheckingConsumer : public StreamConsumer {
 public:
  explicit CheckingConsumer(const std::string& stream) : stream_(stream) {}
  void deliver(Bytes data) override {
    ASSERT_LE(offset + data.size(), stream_.size());
    ASSERT_EQ(std::string(data.begin(), data.end()), stream_.substr(offset, data.size()));
    offset += data.size();
  }
  void gap(std::uint64_t length) override { offset += length; }

  std::uint64_t offset = 0;

 private:
  const std::string& stream_;
};

TEST(TcpReassembler, SmallBudgetsLoseBytesButNeverMisplaceThem) {
  std::mt19937 random(7);
  for (int round = 0; round < 300; ++round) {
    const Scrambled s = scramble(random);
    const std::uint32_t max_pending = 200 + random() % 4000;
    StreamMemory memory(random() % 6000);
    AppCounters counters;
    CheckingConsumer out(s.stream);
    TcpReassembler stream(StreamLimits{.depth = 0, .max_pending = max_pending}, memory,
                          counters);
    stream.on_segment(99, true, false, {}, out);
    for (const auto& [offset, bytes] : s.segments) {
      stream.on_segment(100 + offset, false, false, bytes_of(bytes), out);
      ASSERT_LE(stream.memory_used(), max_pending);
      ASSERT_LE(memory.in_use(), memory.cap());
      ASSERT_EQ(stream.offset(), out.offset);
    }
    stream.flush(out);
    EXPECT_EQ(memory.in_use(), 0u);
    EXPECT_LE(out.offset, s.stream.size());
  }
}

TEST(TcpReassembler, AMillionTinySegmentsStayWithinTheBudget) {
  const StreamLimits limits{.depth = 0};  // the default 1 MiB would stop it halfway
  StreamMemory memory(std::uint64_t{1} << 30);
  AppCounters counters;
  TailRecorder out;
  TcpReassembler stream(limits, memory, counters);
  stream.on_segment(0, true, false, {}, out);
  const std::uint8_t byte = 'x';
  for (std::uint32_t i = 1; i <= 1000000; ++i) {  // one byte at every other offset
    stream.on_segment(1 + 2 * i, false, false, Bytes(&byte, 1), out);
    ASSERT_LE(stream.memory_used(), limits.max_pending);
  }
  EXPECT_EQ(memory.in_use(), stream.memory_used());
  // Each hole was given up only when the budget was full.
  const std::uint64_t held = limits.max_pending / (1 + kOverhead);
  EXPECT_EQ(counters.stream_gaps.get(), 1000000 - held);
  stream.flush(out);
  EXPECT_EQ(out.total, 1000000u);
  EXPECT_EQ(out.gaps, 1000000u + 1);  // offset 0, then every other byte
  EXPECT_EQ(memory.in_use(), 0u);
}

// Reassembles the payloads of one direction (source port -> destination port)
// of a real capture, after an optional SYN and before an optional FIN.
struct Captured {
  std::uint32_t syn_seq = 0;
  bool syn = false;
  std::uint32_t fin_seq = 0;
  bool fin = false;
};

void replay(const std::string& capture, std::uint16_t from, std::uint16_t to,
            const Captured& edges, Harness& h) {
  if (edges.syn) h.syn(edges.syn_seq);
  for (const auto& p : testing::payload_packets(testing::shared_data_dir() + "/" + capture)) {
    if (p.protocol != 6 || p.src_port != from || p.dst_port != to) continue;
    h.stream.on_segment(p.tcp_seq, (p.tcp_flags & 0x02) != 0, (p.tcp_flags & 0x01) != 0,
                        p.payload, h.out);
  }
  if (edges.fin) h.fin(edges.fin_seq);
  h.flush();
}

constexpr const char* kNdpi = "ndpi/tests/cfgs/default/pcap/";

TEST(TcpReassemblerCaptures, TlsServerFlightInOrder) {
  MLD_REQUIRE_SHARED_DATA();
  Harness h;
  // tcpdump -S: SYN-ACK seq 3631652294; data 3631652295..3631670528, then FIN.
  replay(std::string(kNdpi) + "tls_verylong_certificate.pcap", 443, 54804,
         {.syn_seq = 3631652294u, .syn = true}, h);
  EXPECT_EQ(h.out.log.size(), 18233u);
  EXPECT_EQ(h.out.log.substr(0, 5), std::string("\x16\x03\x03\x00\x6c", 5));  // ServerHello record
  EXPECT_EQ(sha256_hex(h.out.bytes),
            "118fbd2ef81ab7f41d599a7ed5ce945eca79225af391715ad139b6efd0410149");
  EXPECT_EQ(h.counters.stream_out_of_order.get(), 0u);
  EXPECT_EQ(h.counters.stream_gaps.get(), 0u);
}

TEST(TcpReassemblerCaptures, HttpResponseWithReorderingAndRetransmissions) {
  MLD_REQUIRE_SHARED_DATA();
  Harness h;
  // weibo.pcap 80 -> 51698: SYN-ACK seq 2779407149; the first 753 bytes come 11th.
  replay(std::string(kNdpi) + "weibo.pcap", 80, 51698, {.syn_seq = 2779407149u, .syn = true}, h);
  EXPECT_EQ(h.out.log.size(), 26319u);
  EXPECT_EQ(h.out.log.substr(0, 17), "HTTP/1.1 200 OK\r\n");
  EXPECT_EQ(sha256_hex(h.out.bytes),
            "aee6d3f164eccf9b2b0a87542950d2860b9757e2df589523b5ad4f723de294a7");
  EXPECT_EQ(h.counters.stream_retransmissions.get(), 9u);
  EXPECT_EQ(h.counters.stream_out_of_order.get(), 14u);
  EXPECT_EQ(h.counters.stream_overlaps.get(), 0u);
  EXPECT_EQ(h.counters.stream_gaps.get(), 0u);
  EXPECT_EQ(h.memory.in_use(), 0u);
}

TEST(TcpReassemblerCaptures, SameResponsePickedUpMidStream) {
  MLD_REQUIRE_SHARED_DATA();
  Harness h;
  // Without the SYN the first captured segment (offset 753) anchors the
  // stream; the 753 bytes before it arrive later as a retransmission.
  replay(std::string(kNdpi) + "weibo.pcap", 80, 51698, {}, h);
  EXPECT_EQ(h.out.log.size(), 26319u - 753u);
  EXPECT_EQ(sha256_hex(h.out.bytes),
            "82282f6caa302689e5268dcbec9e595929bd78276a1245b49899290f926a0795");
  EXPECT_EQ(h.counters.stream_retransmissions.get(), 10u);
  EXPECT_EQ(h.counters.stream_out_of_order.get(), 7u);
}

TEST(TcpReassemblerCaptures, TlsUploadWithRetransmissionsAndAnOverlap) {
  MLD_REQUIRE_SHARED_DATA();
  Harness h;
  // whatsappfiles.pcap 49674 -> 443: 153,500 bytes up to the FIN at seq 1009310732.
  replay(std::string(kNdpi) + "whatsappfiles.pcap", 49674, 443, {}, h);
  EXPECT_EQ(h.out.log.size(), 153500u);
  EXPECT_EQ(sha256_hex(h.out.bytes),
            "7712c9a5f68756bb004cad9780e174204b90b132650546f5817db0503bb639be");
  EXPECT_EQ(h.counters.stream_retransmissions.get(), 21u);
  EXPECT_EQ(h.counters.stream_out_of_order.get(), 39u);
  EXPECT_EQ(h.counters.stream_overlaps.get(), 1u);
  EXPECT_EQ(h.counters.stream_overlap_conflicts.get(), 0u);
  EXPECT_EQ(h.counters.stream_gaps.get(), 0u);
}

TEST(TcpReassemblerCaptures, LossyCaptureGetsGapsAtTheEnd) {
  MLD_REQUIRE_SHARED_DATA();
  Harness h;
  // netflix.pcap 80 -> 53148: SYN-ACK seq 1879845431, FIN seq 1879975116
  // (offset 129,684; the client acknowledged it all); 41,992 bytes were
  // captured, in 14 islands after offset 0, and nothing after offset 105,882.
  replay(std::string(kNdpi) + "netflix.pcap", 80, 53148,
         {.syn_seq = 1879845431u, .syn = true, .fin_seq = 1879975116u, .fin = true}, h);
  EXPECT_EQ(h.out.bytes.size(), 41992u);
  EXPECT_EQ(sha256_hex(h.out.bytes),
            "ca6f063a8a6dd1915cd75d5b0ea4abdc684ba5470b26b57a74ecac1b9e8cffa8");
  EXPECT_EQ(h.out.log.substr(0, 17), "HTTP/1.1 200 OK\r\n");
  EXPECT_EQ(h.counters.stream_gaps.get(), 15u);
  EXPECT_EQ(h.counters.stream_gap_bytes.get(), 129684u - 41992u);
  EXPECT_EQ(h.out.log.substr(h.out.log.size() - 11), "[gap 23802]");
  EXPECT_EQ(h.counters.stream_out_of_order.get(), 24u);
  EXPECT_EQ(h.stream.offset(), 129684u);
}

}  // namespace
}  // namespace mld::app
