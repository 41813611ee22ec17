#pragma once
// The decoded view of one frame: everything the flow layer needs, as a value.
// Field meanings follow spec/flow-features.md sections 1.3-1.4 exactly.
#include <array>
#include <cstdint>
#include <string_view>

#include "common/time.h"
#include "decode/ip_address.h"

namespace mld::decode {

inline constexpr std::uint8_t kProtoIcmp = 1;
inline constexpr std::uint8_t kProtoTcp = 6;
inline constexpr std::uint8_t kProtoUdp = 17;
inline constexpr std::uint8_t kProtoIcmpv6 = 58;
inline constexpr std::uint8_t kProtoSctp = 132;

namespace tcp_flag {
inline constexpr std::uint8_t fin = 0x01;
inline constexpr std::uint8_t syn = 0x02;
inline constexpr std::uint8_t rst = 0x04;
inline constexpr std::uint8_t psh = 0x08;
inline constexpr std::uint8_t ack = 0x10;
inline constexpr std::uint8_t urg = 0x20;
inline constexpr std::uint8_t ece = 0x40;
inline constexpr std::uint8_t cwr = 0x80;
}  // namespace tcp_flag

// VLAN ids outer -> inner. Deeper stacks are decoded; only the outer
// kMaxVlans ids are kept (and take part in the flow key).
struct VlanStack {
  static constexpr std::size_t kMaxVlans = 4;
  std::uint8_t count = 0;
  std::array<std::uint16_t, kMaxVlans> ids{};

  void push(std::uint16_t id) {
    if (count < kMaxVlans) ids[count++] = id;
  }
  bool operator==(const VlanStack&) const = default;
};

// Encapsulations the decoder can remove. The flow is the innermost packet by
// default; `decode.tunnels` selects which kinds are removed.
enum class TunnelKind : std::uint8_t {
  none,
  gre,
  erspan,
  vxlan,
  geneve,
  ip4_in_ip4,
  ip6_in_ip4,
  ip4_in_ip6,
  ip6_in_ip6,
  gtp_u,
  teredo,
  capwap,
};

std::string_view tunnel_kind_name(TunnelKind kind);  // "gre", "6in4", "gtpu", ...

struct TunnelInfo {
  TunnelKind kind = TunnelKind::none;  // innermost encapsulation removed
  std::uint8_t depth = 0;              // number of encapsulations removed
  // VXLAN/Geneve VNI, GTP-U TEID, GRE key, PPTP call id, ERSPAN II/III
  // session id (type I: GRE key); else 0.
  std::uint32_t id = 0;

  bool operator==(const TunnelInfo&) const = default;
};

// Things worth counting that do not stop a packet from joining a flow.
namespace decode_note {
inline constexpr std::uint8_t ip_length_zero = 0x01;       // IP length 0 (TSO): frame used
inline constexpr std::uint8_t ip_length_clamped = 0x02;    // IP length beyond the frame
inline constexpr std::uint8_t first_fragment = 0x04;       // MF=1, offset 0
inline constexpr std::uint8_t tunnel_inner_malformed = 0x08;  // kept as the outer flow
inline constexpr std::uint8_t tunnel_depth_limit = 0x10;      // nesting beyond the limit
inline constexpr std::uint8_t snaplen_truncated = 0x20;    // IP datagram not fully captured
inline constexpr std::uint8_t tunnel_inner_not_flow = 0x40;  // inner not IP: kept as outer flow
inline constexpr std::uint8_t caplen_exceeds_len = 0x80;  // captured bytes cut to the frame's
}  // namespace decode_note

struct PacketView {
  Micros timestamp = 0;
  std::uint32_t wire_length = 0;      // original frame length (outer frame for tunnels)
  std::uint32_t captured_length = 0;  // captured bytes of the frame
  std::uint16_t input_index = 0;

  IpVersion ip_version = IpVersion::v4;
  std::uint8_t protocol = 0;  // IP protocol of the innermost header (after extensions)
  IpAddress src_ip, dst_ip;
  std::uint16_t src_port = 0;  // TCP, UDP, SCTP; 0 for everything else
  std::uint16_t dst_port = 0;

  std::uint32_t ip_length = 0;         // spec 1.3 ip_len (after the TSO/clamp rules)
  std::uint32_t l4_length = 0;         // ip_len minus IP and extension headers
  std::uint16_t l4_header_length = 0;  // spec 1.4 `hdr` (0 for ICMP and others)
  std::uint32_t payload_length = 0;    // spec 1.4 `payload` (0 for ICMP and others)

  std::uint8_t tcp_flags = 0;
  std::uint16_t tcp_window = 0;  // raw, unscaled
  std::uint32_t tcp_seq = 0;
  std::uint32_t tcp_ack = 0;
  std::int16_t icmp_type = -1;  // -1 unless ICMP / ICMPv6
  std::int16_t icmp_code = -1;

  VlanStack vlans;
  TunnelInfo tunnel;
  std::uint8_t notes = 0;  // decode_note bits

  // L4 payload bytes actually captured (may be shorter than payload_length).
  const std::uint8_t* payload = nullptr;
  std::uint32_t captured_payload_length = 0;
  // The innermost IP datagram as captured, from its IP header (what nDPI
  // reads); it contains `payload`.
  const std::uint8_t* ip_packet = nullptr;
  std::uint32_t captured_ip_length = 0;

  bool is_tcp() const { return protocol == kProtoTcp; }
  bool has_flag(std::uint8_t flag) const { return (tcp_flags & flag) != 0; }
};

}  // namespace mld::decode
