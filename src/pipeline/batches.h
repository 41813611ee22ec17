#pragma once
// What travels between threads: packets from the reader to a worker, ended
// flows from a worker to the sink. Both are fixed-size and recycled.
#include <cstdint>

#include "common/time.h"
#include "decode/packet_view.h"
#include "flow/flow_record.h"

namespace mld::pipeline {

struct PacketBatch {
  static constexpr std::uint32_t kCapacity = 256;
  // The reader's clock when the batch was sent: every later packet for this
  // worker is at least this late, so the worker may expire flows up to it.
  Micros clock = 0;
  // The flows open so far end (end of input) before these packets: the next
  // capture file starts earlier than the previous one ended.
  bool new_timeline = false;
  std::uint32_t count = 0;
  // Decoded once by the reader. `payload` pointers are cleared: the frame
  // bytes stay with the reader (no layer above the flow table reads them yet).
  decode::PacketView packets[kCapacity];
};

struct RecordBatch {
  static constexpr std::uint32_t kCapacity = 64;
  std::uint32_t count = 0;
  flow::FlowRecord records[kCapacity];
};

}  // namespace mld::pipeline
