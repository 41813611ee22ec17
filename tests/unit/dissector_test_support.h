#pragma once
// Shared helpers for the application dissector tests: an EventOut that keeps
// what it is given, and a captured conversation fed to a dissector the way the
// sensor's reassembly would (in-order bytes, retransmissions left out).
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "app/dissector.h"
#include "tools/capture_payloads.h"
#include "tools/shared_data.h"

namespace mld::app::test {

struct Emitted {
  flow::Direction side = flow::Direction::forward;
  Micros timestamp = 0;
  AppEventBody body;
};

class RecordingOut final : public EventOut {
 public:
  void emit(flow::Direction side, Micros timestamp, AppEventBody body) override {
    events.push_back({side, timestamp, std::move(body)});
  }

  // The bodies of one event type, in emission order.
  template <typename Body>
  std::vector<Body> bodies() const {
    std::vector<Body> out;
    for (const Emitted& event : events) {
      if (const Body* body = std::get_if<Body>(&event.body)) out.push_back(*body);
    }
    return out;
  }

  std::vector<Emitted> events;
};

inline std::string ndpi_capture(const std::string& name) {
  return testing::shared_data_dir() + "/ndpi/tests/cfgs/default/pcap/" + name;
}

// The packets of conversation `index` of a capture.
inline std::vector<testing::PayloadPacket> conversation(
    std::vector<testing::PayloadPacket> packets, int index) {
  std::erase_if(packets, [index](const auto& p) { return p.conversation != index; });
  return packets;
}

// The packets with payload of the first conversation of a capture that has
// `port` at either end.
inline std::vector<testing::PayloadPacket> conversation_on_port(const std::string& path,
                                                                std::uint16_t port) {
  std::vector<testing::PayloadPacket> packets = testing::payload_packets(path);
  const auto first = std::find_if(packets.begin(), packets.end(), [port](const auto& p) {
    return p.src_port == port || p.dst_port == port;
  });
  const int index = first == packets.end() ? -1 : first->conversation;
  return conversation(std::move(packets), index);
}

enum class Chunking { as_captured, byte_by_byte };

// Hands one payload to the dissector whole or one byte per call.
inline void deliver(Dissector& dissector, const testing::PayloadPacket& packet, Bytes bytes,
                    EventOut& out, Chunking chunking) {
  if (chunking == Chunking::as_captured) {
    dissector.on_data(packet.side, packet.timestamp, bytes, out);
    return;
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    dissector.on_data(packet.side, packet.timestamp, bytes.subspan(i, 1), out);
  }
}

// UDP: every datagram. TCP: per direction the bytes after those already
// delivered (by sequence number); a hole is reported with on_gap. Stops once
// the dissector wants no more, as the sensor does, and ends with on_flow_end
// at the last packet's time.
inline void feed(Dissector& dissector, const std::vector<testing::PayloadPacket>& packets,
                 EventOut& out, Chunking chunking = Chunking::as_captured) {
  std::map<flow::Direction, std::uint32_t> next_seq;
  for (const testing::PayloadPacket& packet : packets) {
    if (!dissector.wants_more()) break;
    Bytes bytes(packet.payload);
    if (packet.protocol == 6) {
      const auto next = next_seq.find(packet.side);
      if (next != next_seq.end()) {
        const auto ahead = static_cast<std::int32_t>(packet.tcp_seq - next->second);
        if (ahead > 0) dissector.on_gap(packet.side, static_cast<std::uint64_t>(ahead));
        const std::size_t seen = ahead < 0 ? static_cast<std::size_t>(-std::int64_t{ahead}) : 0;
        if (seen >= bytes.size()) continue;
        bytes = bytes.subspan(seen);
      }
      next_seq[packet.side] = packet.tcp_seq + static_cast<std::uint32_t>(packet.payload.size());
    }
    deliver(dissector, packet, bytes, out, chunking);
  }
  if (!packets.empty()) dissector.on_flow_end(packets.back().timestamp, out);
}

}  // namespace mld::app::test
