#pragma once
// Why a captured frame takes no part in any flow. Every frame the decoder
// rejects is counted under exactly one of these names (spec 1.2).
#include <cstdint>
#include <string_view>

namespace mld::decode {

#define MLD_DROP_REASONS(X)                                                         \
  X(empty_frame)              /* zero captured or zero original bytes */            \
  X(unsupported_link_type)    /* link type we do not decode */                       \
  X(link_header_truncated)    /* link, VLAN, MPLS or PPPoE header not captured */    \
  X(not_ip)                   /* ARP, LLDP, STP, 802.3 frames, other EtherTypes */   \
  X(ipv4_header_truncated)                                                          \
  X(ipv4_bad_header)          /* version or IHL < 5, or total length < IHL*4 */     \
  X(ipv6_header_truncated)                                                          \
  X(ipv6_extension_truncated) /* extension header chain not captured */             \
  X(ip_version_mismatch)      /* link layer says IPv4/IPv6, header disagrees */     \
  X(non_first_fragment)       /* fragment offset != 0 (spec D9) */                   \
  X(tcp_header_truncated)                                                           \
  X(tcp_bad_data_offset)      /* data offset < 5 */                                 \
  X(udp_header_truncated)                                                           \
  X(icmp_header_truncated)

// `none` means the frame was decoded into a flow packet.
enum class DropReason : std::uint8_t {
  none,
#define MLD_DROP_ENUM(name) name,
  MLD_DROP_REASONS(MLD_DROP_ENUM)
#undef MLD_DROP_ENUM
      count
};

// Array size for per-reason counters (slot 0, `none`, stays unused).
inline constexpr std::size_t kDropReasonSlots = static_cast<std::size_t>(DropReason::count);

constexpr std::string_view drop_reason_name(DropReason reason) {
  switch (reason) {
#define MLD_DROP_NAME(name) \
  case DropReason::name:    \
    return #name;
    MLD_DROP_REASONS(MLD_DROP_NAME)
#undef MLD_DROP_NAME
    case DropReason::none:
      return "none";
    case DropReason::count:
      break;
  }
  return "unknown";
}

}  // namespace mld::decode
