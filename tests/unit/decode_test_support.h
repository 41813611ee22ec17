#pragma once
// Shared helpers for the decoder tests (tests/unit/decode_*_test.cc).
#include <cstdint>
#include <ostream>
#include <string>

#include "capture/raw_packet.h"
#include "decode/decoder.h"
#include "tools/pcap_builder.h"

namespace mld::decode {

// Readable gtest failure messages: "not_ip" rather than a byte value.
inline void PrintTo(DropReason reason, std::ostream* os) { *os << drop_reason_name(reason); }
inline void PrintTo(TunnelKind kind, std::ostream* os) { *os << tunnel_kind_name(kind); }

}  // namespace mld::decode

namespace mld::decode::test {

using mld::testing::Bytes;
using mld::testing::FrameBuilder;

// How a test frame is presented to the decoder.
struct FrameSpec {
  std::uint16_t link_type = capture::kLinkEthernet;
  std::uint32_t wire_length = 0;  // 0: the frame's size
  std::uint32_t captured = 0;     // 0: all of the frame (snaplen truncation otherwise)
  DecoderOptions options{};
};

// Decodes `frame`; `view.payload` points into `frame`, which must outlive it.
inline DropReason decode(const Bytes& frame, PacketView& view, const FrameSpec& spec = {}) {
  capture::RawPacket raw;
  raw.timestamp = 1'700'000'000'000'000;
  raw.captured_length = static_cast<std::uint32_t>(
      spec.captured == 0 || spec.captured > frame.size() ? frame.size() : spec.captured);
  raw.wire_length =
      spec.wire_length == 0 ? static_cast<std::uint32_t>(frame.size()) : spec.wire_length;
  raw.link_type = spec.link_type;
  raw.input_index = 3;
  raw.data = frame.data();
  return Decoder(spec.options).decode(raw, view);
}

inline DecoderOptions with_tunnels(std::uint32_t families) {
  DecoderOptions options;
  options.tunnels = families;
  return options;
}

inline std::string src(const PacketView& view) { return view.src_ip.to_string(view.ip_version); }
inline std::string dst(const PacketView& view) { return view.dst_ip.to_string(view.ip_version); }

}  // namespace mld::decode::test
