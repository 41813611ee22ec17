#pragma once
// Turns a captured frame into a PacketView: link layer, VLAN/QinQ, MPLS, PPPoE,
// IPv4/IPv6 (+ extension headers), TCP/UDP/ICMP/SCTP and tunnels.
// Stateless and thread-compatible: one Decoder can serve any number of threads.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "capture/raw_packet.h"
#include "decode/drop_reason.h"
#include "decode/packet_view.h"

namespace mld::decode {

// Tunnel families that `decode.tunnels` can switch on or off, as bits.
namespace tunnel_family {
inline constexpr std::uint32_t gre = 1u << 0;     // GRE (v0, v1/PPTP), incl. transparent Ethernet
inline constexpr std::uint32_t erspan = 1u << 1;  // ERSPAN type I/II/III over GRE
inline constexpr std::uint32_t vxlan = 1u << 2;   // UDP 4789
inline constexpr std::uint32_t geneve = 1u << 3;  // UDP 6081
inline constexpr std::uint32_t ipip = 1u << 4;    // 4in4, 6in4, 4in6, 6in6
inline constexpr std::uint32_t gtpu = 1u << 5;    // UDP 2152, G-PDU
inline constexpr std::uint32_t teredo = 1u << 6;  // UDP 3544
inline constexpr std::uint32_t capwap = 1u << 7;  // UDP 5247, CAPWAP data (802.3 or 802.11)
inline constexpr std::uint32_t all = (1u << 8) - 1;
inline constexpr std::uint32_t none = 0;
}  // namespace tunnel_family

// "gre", "erspan", "vxlan", "geneve", "ipip", "gtpu", "teredo", "capwap" -> its bit;
// "all" and "none" -> every bit and no bit.
std::optional<std::uint32_t> parse_tunnel_family(std::string_view name);

struct DecoderOptions {
  std::uint32_t tunnels = tunnel_family::all;
};

class Decoder {
 public:
  // Encapsulations followed before the packet is kept as the flow at that layer.
  static constexpr int kMaxTunnelDepth = 4;

  explicit Decoder(DecoderOptions options = {}) : options_(options) {}

  // Decodes `frame` into `view`. Returns DropReason::none when the frame is a
  // flow packet; otherwise the reason it takes no part in any flow (`view` is
  // then unspecified).
  [[nodiscard]] DropReason decode(const capture::RawPacket& frame, PacketView& view) const;

  const DecoderOptions& options() const { return options_; }

 private:
  DecoderOptions options_;
};

}  // namespace mld::decode
