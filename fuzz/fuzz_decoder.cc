// libFuzzer target for the packet decoder. Every field of the view is read
// (and every captured payload byte), so AddressSanitizer sees any view that
// points outside the frame, and the invariants below turn silent nonsense
// (lengths that contradict each other) into crashes.
#include <cstdint>
#include <string_view>

#include "decode/decoder.h"
#include "fuzz_link_types.h"
#include "fuzz_require.h"

namespace {

using namespace mld::decode;
using mld::fuzz::require;

std::uint64_t touch_view(const PacketView& v, const mld::capture::RawPacket& raw) {
  require(v.wire_length == raw.wire_length, "wire_length is the frame's");
  require(v.captured_length == raw.captured_length, "captured_length is the frame's");
  require(v.ip_version == IpVersion::v4 || v.ip_version == IpVersion::v6, "ip_version");
  require(v.ip_length <= raw.wire_length, "ip_length <= wire_length");
  require(v.l4_length <= v.ip_length, "l4_length <= ip_length");
  require(v.payload_length <= v.l4_length, "payload_length <= l4_length");
  require(v.captured_payload_length <= v.payload_length, "captured payload <= payload");
  require((v.payload == nullptr) == (v.captured_payload_length == 0), "payload pointer/length");
  require(v.tunnel.depth <= Decoder::kMaxTunnelDepth, "tunnel depth");
  require((v.tunnel.kind == TunnelKind::none) == (v.tunnel.depth == 0), "tunnel kind/depth");
  require(tunnel_kind_name(v.tunnel.kind) != "unknown", "tunnel kind name");
  require(v.vlans.count <= VlanStack::kMaxVlans, "vlan count");
  require(v.icmp_type >= -1 && v.icmp_type <= 255 && v.icmp_code >= -1 && v.icmp_code <= 255,
          "icmp type/code");
  if (v.payload != nullptr) {
    require(v.payload >= raw.data &&
                v.payload + v.captured_payload_length <= raw.data + raw.captured_length,
            "payload inside the captured frame");
  }

  std::uint64_t sum = static_cast<std::uint64_t>(v.timestamp) + v.input_index + v.protocol;
  for (std::uint8_t byte : v.src_ip.bytes) sum += byte;
  for (std::uint8_t byte : v.dst_ip.bytes) sum += byte;
  sum += v.src_port + v.dst_port + v.l4_header_length + v.tcp_flags + v.tcp_window;
  sum += v.tcp_seq + v.tcp_ack + static_cast<std::uint64_t>(v.icmp_type + v.icmp_code);
  for (std::uint8_t i = 0; i < v.vlans.count; ++i) sum += v.vlans.ids[i];
  sum += v.tunnel.id + v.notes + (v.is_tcp() ? 1 : 0) + (v.has_flag(tcp_flag::syn) ? 1 : 0);
  for (std::uint32_t i = 0; i < v.captured_payload_length; ++i) sum += v.payload[i];
  sum += v.src_ip.to_string(v.ip_version).size();
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < mld::fuzz::kInputHeader) return 0;
  const std::uint16_t selector = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
  DecoderOptions options;
  options.tunnels = data[2] & tunnel_family::all;

  mld::capture::RawPacket raw;
  raw.timestamp = 1'700'000'000'000'000;
  raw.link_type = mld::fuzz::kLinkTypes[(selector & 0xff) % mld::fuzz::kLinkTypes.size()];
  raw.data = data + mld::fuzz::kInputHeader;
  raw.captured_length = static_cast<std::uint32_t>(size - mld::fuzz::kInputHeader);
  raw.wire_length = raw.captured_length + (selector >> 8) * 16u;
  raw.input_index = 1;

  PacketView view;
  const DropReason reason = Decoder(options).decode(raw, view);
  require(static_cast<std::size_t>(reason) < kDropReasonSlots, "drop reason in range");
  require(drop_reason_name(reason) != "unknown", "drop reason has a name");
  static volatile std::uint64_t sink = 0;
  if (reason == DropReason::none) sink = sink + touch_view(view, raw);
  return 0;
}
