#pragma once
// Reads a real capture through the sensor's own reader and decoder and keeps
// the packets that carry payload, grouped into conversations, so dissector
// tests can feed real bytes without the whole pipeline.
#include <cstdint>
#include <string>
#include <vector>

#include "common/time.h"
#include "flow/direction.h"

namespace mld::testing {

struct PayloadPacket {
  Micros timestamp = 0;
  std::uint8_t protocol = 0;  // 6 TCP, 17 UDP
  std::string src_ip, dst_ip;
  std::uint16_t src_port = 0, dst_port = 0;
  int conversation = 0;  // index of its 5-tuple (either direction) in first-seen order
  // forward: sent by the endpoint that sent the conversation's first packet
  // (the SYN sender for TCP when the SYN was captured).
  flow::Direction side = flow::Direction::forward;
  std::uint32_t tcp_seq = 0;
  std::uint8_t tcp_flags = 0;
  std::vector<std::uint8_t> payload;  // captured L4 payload
};

// Every TCP/UDP packet with payload, in capture order. Throws on an unreadable file.
std::vector<PayloadPacket> payload_packets(const std::string& path);

}  // namespace mld::testing
