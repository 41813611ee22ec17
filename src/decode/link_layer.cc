#include "decode/link_layer.h"

#include <utility>

#include "capture/raw_packet.h"

namespace mld::decode {
namespace {

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86DD;
constexpr std::uint16_t kEtherVlan = 0x8100;     // 802.1Q
constexpr std::uint16_t kEtherQinQ = 0x88A8;     // 802.1ad
constexpr std::uint16_t kEtherQinQOld = 0x9100;  // pre-standard QinQ
constexpr std::uint16_t kEtherMplsUnicast = 0x8847;
constexpr std::uint16_t kEtherMplsMulticast = 0x8848;
constexpr std::uint16_t kEtherPppoeSession = 0x8864;

constexpr std::uint32_t kEthernetHeader = 14;
constexpr std::uint32_t kVlanTag = 4;
constexpr std::uint32_t kMplsLabel = 4;
constexpr std::uint32_t kPppoeHeader = 8;  // 6 bytes PPPoE + 2 bytes PPP protocol
constexpr std::uint32_t kSllHeader = 16;
constexpr std::uint32_t kSll2Header = 20;
constexpr std::uint32_t kNullHeader = 4;
constexpr std::uint32_t kChdlcHeader = 4;
constexpr std::uint32_t kRadiotapFixedHeader = 4;  // version, pad, length (LE)
constexpr std::uint32_t kPpiFixedHeader = 8;       // version, flags, length (LE), DLT (LE)

constexpr std::uint32_t kIeee80211Header = 24;  // frame control .. sequence control
constexpr std::uint32_t kIeee80211Address4 = 6;
constexpr std::uint32_t kIeee80211QosControl = 2;
constexpr std::uint32_t kIeee80211HtControl = 4;
constexpr std::uint32_t kLlcSnapHeader = 8;  // AA AA 03, OUI, EtherType

LinkResult drop(DropReason reason) { return {reason, 0, IpVersion::v4}; }

LinkResult ip_at(std::uint32_t offset, IpVersion version) {
  return {DropReason::none, offset, version};
}

bool is_vlan_tpid(std::uint16_t type) {
  return type == kEtherVlan || type == kEtherQinQ || type == kEtherQinQOld;
}

// MPLS label stack: pop to bottom-of-stack. There is no "next protocol" field,
// so the first nibble after the stack decides (a pseudowire control word,
// nibble 0, is not IP).
LinkResult pop_mpls_labels(const ByteReader& bytes, std::uint32_t offset) {
  constexpr std::uint32_t kBottomOfStack = 0x100;
  for (;;) {  // each label consumes 4 captured bytes, so this ends with the capture
    if (!bytes.has(offset, kMplsLabel)) return drop(DropReason::link_header_truncated);
    const bool bottom = (bytes.be32(offset) & kBottomOfStack) != 0;
    offset += kMplsLabel;
    if (bottom) return ip_by_version_nibble(bytes, offset);
  }
}

LinkResult decode_pppoe_session(const ByteReader& bytes, std::uint32_t offset) {
  if (!bytes.has(offset, kPppoeHeader)) return drop(DropReason::link_header_truncated);
  switch (bytes.be16(offset + 6)) {
    case kPppIpv4:
      return ip_at(offset + kPppoeHeader, IpVersion::v4);
    case kPppIpv6:
      return ip_at(offset + kPppoeHeader, IpVersion::v6);
    default:
      return drop(DropReason::not_ip);  // LCP, IPCP, authentication, ...
  }
}

// Everything after an EtherType-like field: VLAN tags at any depth, MPLS,
// PPPoE, IP. Shared by Ethernet, Linux SLL/SLL2 and Cisco HDLC.
LinkResult decode_ether_type(const ByteReader& bytes, std::uint16_t type, std::uint32_t offset,
                             VlanStack* vlans) {
  while (is_vlan_tpid(type)) {  // each tag consumes 4 captured bytes
    if (!bytes.has(offset, kVlanTag)) return drop(DropReason::link_header_truncated);
    if (vlans != nullptr) vlans->push(bytes.be16(offset) & 0x0fff);
    type = bytes.be16(offset + 2);
    offset += kVlanTag;
  }
  switch (type) {
    case kEtherIpv4:
      return ip_at(offset, IpVersion::v4);
    case kEtherIpv6:
      return ip_at(offset, IpVersion::v6);
    case kEtherMplsUnicast:
    case kEtherMplsMulticast:
      return pop_mpls_labels(bytes, offset);
    case kEtherPppoeSession:
      return decode_pppoe_session(bytes, offset);
    default:
      return drop(DropReason::not_ip);  // ARP, LLDP, 802.3 length (<= 1500), ...
  }
}

LinkResult decode_linux_sll(const ByteReader& bytes, VlanStack& vlans) {
  if (!bytes.has(0, kSllHeader)) return drop(DropReason::link_header_truncated);
  return decode_ether_type(bytes, bytes.be16(14), kSllHeader, &vlans);
}

LinkResult decode_linux_sll2(const ByteReader& bytes, VlanStack& vlans) {
  if (!bytes.has(0, kSll2Header)) return drop(DropReason::link_header_truncated);
  return decode_ether_type(bytes, bytes.be16(0), kSll2Header, &vlans);
}

std::uint16_t le16(const ByteReader& bytes, std::uint32_t offset) {
  return static_cast<std::uint16_t>(bytes.u8(offset) | bytes.u8(offset + 1) << 8);
}

// Radiotap: a little-endian header of its own length, then the 802.11 frame.
LinkResult decode_radiotap(const ByteReader& bytes, VlanStack& vlans) {
  if (!bytes.has(0, kRadiotapFixedHeader)) return drop(DropReason::link_header_truncated);
  return decode_ieee80211(bytes, le16(bytes, 2), &vlans);
}

// PPI (per-packet information): a little-endian header naming the link type
// of the frame that follows; Ethernet and 802.11 are what PPI captures carry.
LinkResult decode_ppi(const ByteReader& bytes, VlanStack& vlans) {
  if (!bytes.has(0, kPpiFixedHeader)) return drop(DropReason::link_header_truncated);
  const std::uint32_t length = le16(bytes, 2);
  switch (bytes.le32(4)) {
    case capture::kLinkEthernet:
      return decode_ethernet(bytes, length, &vlans);
    case capture::kLinkIeee80211:
      return decode_ieee80211(bytes, length, &vlans);
    default:
      return drop(DropReason::unsupported_link_type);
  }
}

// BSD address families that mean IPv6 differ per OS (NetBSD/OpenBSD 24,
// FreeBSD 28, Darwin 30); AF_INET is 2 everywhere.
bool is_ip_address_family(std::uint32_t family) {
  return family == 2 || family == 24 || family == 28 || family == 30;
}

// DLT_NULL writes the family in the capturing host's byte order, which the
// file does not record; DLT_LOOP always uses network order.
LinkResult decode_null_or_loop(const ByteReader& bytes, bool network_order_only) {
  if (!bytes.has(0, kNullHeader)) return drop(DropReason::link_header_truncated);
  const bool ip = is_ip_address_family(bytes.be32(0)) ||
                  (!network_order_only && is_ip_address_family(bytes.le32(0)));
  if (!ip) return drop(DropReason::not_ip);
  return ip_by_version_nibble(bytes, kNullHeader);
}

// Cisco HDLC: address, control, then an EtherType (SLARP 0x8035 is not IP).
LinkResult decode_cisco_hdlc(const ByteReader& bytes, VlanStack& vlans) {
  if (!bytes.has(0, kChdlcHeader)) return drop(DropReason::link_header_truncated);
  return decode_ether_type(bytes, bytes.be16(2), kChdlcHeader, &vlans);
}

LinkResult decode_ppp(const ByteReader& bytes, VlanStack& vlans) {
  // PPP and PPP-in-HDLC captures from some routers and BSDs hold Cisco HDLC
  // frames (address 0x0f unicast / 0x8f broadcast) rather than PPP. Neither
  // byte can start a PPP frame (address 0xff, or a protocol field whose
  // first byte is never 0x0f/0x8f), so the test is safe for both link types.
  const std::uint8_t address = bytes.u8(0);
  if (address == 0x0f || address == 0x8f) {
    return decode_cisco_hdlc(bytes, vlans);
  }
  PppHeader ppp;
  if (!read_ppp_header(bytes, 0, ppp)) return drop(DropReason::link_header_truncated);
  if (ppp.protocol == kPppIpv4) return ip_at(ppp.length, IpVersion::v4);
  if (ppp.protocol == kPppIpv6) return ip_at(ppp.length, IpVersion::v6);
  return drop(DropReason::not_ip);
}

}  // namespace

LinkResult ip_by_version_nibble(const ByteReader& bytes, std::uint32_t offset) {
  if (!bytes.has(offset, 1)) return drop(DropReason::link_header_truncated);
  switch (bytes.u8(offset) >> 4) {
    case 4:
      return ip_at(offset, IpVersion::v4);
    case 6:
      return ip_at(offset, IpVersion::v6);
    default:
      return drop(DropReason::not_ip);
  }
}

bool read_ppp_header(const ByteReader& bytes, std::uint32_t offset, PppHeader& header) {
  std::uint32_t at = offset;
  if (bytes.u8(at) == 0xff && bytes.u8(at + 1) == 0x03) at += 2;  // address, control
  if (!bytes.has(at, 1)) return false;
  // Protocol-field compression (RFC 1661 6.5): every protocol number has an
  // even high byte and an odd low byte, so an odd first byte is the 1-byte form.
  if ((bytes.u8(at) & 0x01) != 0) {
    header.protocol = bytes.u8(at);
    header.length = at + 1 - offset;
    return true;
  }
  if (!bytes.has(at, 2)) return false;
  header.protocol = bytes.be16(at);
  header.length = at + 2 - offset;
  return true;
}

LinkResult decode_ieee80211(const ByteReader& bytes, std::uint32_t offset, VlanStack* vlans,
                            bool swapped_control_allowed) {
  if (!bytes.has(offset, kIeee80211Header)) return drop(DropReason::link_header_truncated);
  constexpr std::uint8_t kTypeData = 2, kSubtypeQos = 0x8, kSubtypeNoData = 0x4;
  constexpr std::uint8_t kToDs = 0x01, kFromDs = 0x02, kProtected = 0x40, kOrder = 0x80;
  auto is_data = [](std::uint8_t control) { return ((control >> 2) & 0x3) == kTypeData; };
  std::uint8_t control = bytes.u8(offset);    // subtype(4) type(2) version(2)
  std::uint8_t flags = bytes.u8(offset + 1);  // ToDS FromDS ... Protected Order
  if (swapped_control_allowed && !is_data(control) && is_data(flags)) std::swap(control, flags);
  const std::uint8_t type = (control >> 2) & 0x3, subtype = control >> 4;
  if (type != kTypeData || (subtype & kSubtypeNoData) != 0 || (flags & kProtected) != 0) {
    return drop(DropReason::not_ip);
  }
  std::uint32_t header = kIeee80211Header;
  if ((flags & (kToDs | kFromDs)) == (kToDs | kFromDs)) header += kIeee80211Address4;
  if ((subtype & kSubtypeQos) != 0) {
    header += kIeee80211QosControl;
    if ((flags & kOrder) != 0) header += kIeee80211HtControl;
  }
  const std::uint32_t llc = offset + header;
  if (!bytes.has(llc, kLlcSnapHeader)) return drop(DropReason::link_header_truncated);
  if (bytes.u8(llc) != 0xaa || bytes.u8(llc + 1) != 0xaa || bytes.u8(llc + 2) != 0x03) {
    return drop(DropReason::not_ip);
  }
  return decode_ether_type(bytes, bytes.be16(llc + 6), llc + kLlcSnapHeader, vlans);
}

LinkResult decode_ethernet(const ByteReader& bytes, std::uint32_t offset, VlanStack* vlans) {
  if (!bytes.has(offset, kEthernetHeader)) return drop(DropReason::link_header_truncated);
  return decode_ether_type(bytes, bytes.be16(offset + 12), offset + kEthernetHeader, vlans);
}

LinkResult decode_link_layer(std::uint16_t link_type, const ByteReader& bytes, VlanStack& vlans) {
  using namespace capture;
  switch (link_type) {
    case kLinkEthernet:
      return decode_ethernet(bytes, 0, &vlans);
    case kLinkLinuxSll:
      return decode_linux_sll(bytes, vlans);
    case kLinkLinuxSll2:
      return decode_linux_sll2(bytes, vlans);
    case kLinkRaw:
    case kLinkRawBsd12:
    case kLinkRawBsd14:
      return ip_by_version_nibble(bytes, 0);
    case kLinkIpv4:
      return ip_at(0, IpVersion::v4);
    case kLinkIpv6:
      return ip_at(0, IpVersion::v6);
    case kLinkNull:
      return decode_null_or_loop(bytes, /*network_order_only=*/false);
    case kLinkLoop:
      return decode_null_or_loop(bytes, /*network_order_only=*/true);
    case kLinkPpp:
    case kLinkPppSerial:
      return decode_ppp(bytes, vlans);
    case kLinkCiscoHdlc:
      return decode_cisco_hdlc(bytes, vlans);
    case kLinkIeee80211:
      return decode_ieee80211(bytes, 0, &vlans);
    case kLinkRadiotap:
      return decode_radiotap(bytes, vlans);
    case kLinkPpi:
      return decode_ppi(bytes, vlans);
    default:
      return drop(DropReason::unsupported_link_type);
  }
}

}  // namespace mld::decode
