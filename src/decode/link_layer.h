#pragma once
// Internal to src/decode: link layers (pcap link types, Ethernet, VLAN, MPLS,
// PPPoE, PPP) down to the start of the IP header.
#include <cstdint>

#include "decode/byte_reader.h"
#include "decode/drop_reason.h"
#include "decode/ip_address.h"
#include "decode/packet_view.h"

namespace mld::decode {

// Where the IP header starts and which version the link layer announced
// (meaningful only when `reason` is none).
struct LinkResult {
  DropReason reason = DropReason::none;
  std::uint32_t l3_offset = 0;
  IpVersion version = IpVersion::v4;
};

// Decodes the link header of a frame of pcap link type `link_type`; VLAN ids of
// the frame are pushed onto `vlans`.
LinkResult decode_link_layer(std::uint16_t link_type, const ByteReader& bytes, VlanStack& vlans);

// An Ethernet header at `offset`. VLAN ids go to `vlans` unless it is null
// (tunnelled Ethernet: see decoder.cc).
LinkResult decode_ethernet(const ByteReader& bytes, std::uint32_t offset, VlanStack* vlans);

// An IEEE 802.11 data frame at `offset` (raw 802.11, radiotap, PPI, CAPWAP):
// its LLC/SNAP header gives the EtherType. Management, control, null-data and
// encrypted frames are not IP. `swapped_control_allowed`: Cisco access points
// send the frame control field byte-swapped over CAPWAP (Wireshark's "swap
// frame control"); accept that order when the other one is no data frame.
LinkResult decode_ieee80211(const ByteReader& bytes, std::uint32_t offset, VlanStack* vlans,
                            bool swapped_control_allowed = false);

// IP whose version is known only from the first nibble (raw IP, MPLS, GTP-U):
// 4 or 6 is IP, anything else not_ip; no byte at all is link_header_truncated.
LinkResult ip_by_version_nibble(const ByteReader& bytes, std::uint32_t offset);

// A PPP protocol field at `offset`, after the optional 0xff 0x03
// address/control bytes. Compressed (1-byte) fields are accepted. Returns
// false when the field is not captured.
struct PppHeader {
  std::uint16_t protocol = 0;
  std::uint32_t length = 0;  // bytes from `offset` to the PPP payload
};
bool read_ppp_header(const ByteReader& bytes, std::uint32_t offset, PppHeader& header);

inline constexpr std::uint16_t kPppIpv4 = 0x0021;
inline constexpr std::uint16_t kPppIpv6 = 0x0057;

}  // namespace mld::decode
