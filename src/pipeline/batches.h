#pragma once
// What travels between threads: packets from the reader to a worker, ended
// flows from a worker to the sink. Both are fixed-size and recycled.
#include <cstdint>
#include <memory>
#include <vector>

#include "app/app_event.h"
#include "common/time.h"
#include "decode/packet_view.h"
#include "detect/alert.h"
#include "detect/flow_opened.h"
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
  // Decoded once by the reader. When the application layer runs, each
  // packet's IP datagram is copied into `bytes` and its view points there;
  // otherwise the frame bytes stay with the reader and the pointers are null.
  decode::PacketView packets[kCapacity];
  static constexpr std::uint32_t kBytesCapacity = 256 * 1024;
  std::unique_ptr<std::uint8_t[]> bytes = std::make_unique<std::uint8_t[]>(kBytesCapacity);
  std::uint32_t bytes_used = 0;
};

struct RecordBatch {
  static constexpr std::uint32_t kCapacity = 64;
  static constexpr std::uint32_t kEventCapacity = 64;   // events; alerts
  static constexpr std::uint32_t kOpenedCapacity = 256;
  std::uint32_t count = 0;
  flow::FlowRecord records[kCapacity];
  // Protocol events raised while these records' flows ran: the sink writes
  // them before the records, so a flow's events precede its flow record.
  std::vector<app::AppEvent> events;
  // Flows that started, for the host analyzers (not written by the sinks).
  std::vector<detect::FlowOpened> opened;
  // Alerts the host analyzers raised: written after the events, before the
  // records.
  std::vector<detect::Alert> alerts;

  bool empty() const { return count == 0 && events.empty() && opened.empty() && alerts.empty(); }
  void clear() {
    count = 0;
    events.clear();
    opened.clear();
    alerts.clear();
  }
};

}  // namespace mld::pipeline
