// Tunnels carried in UDP: VXLAN (RFC 7348), Geneve (RFC 8926), GTP-U (3GPP
// TS 29.281), Teredo (RFC 4380) and CAPWAP data (RFC 5415).
#include "decode/tunnels.h"

namespace mld::decode {
namespace {

constexpr std::uint32_t kVxlanHeader = 8;
constexpr std::uint8_t kVxlanVniValid = 0x08;  // the I flag

constexpr std::uint32_t kGeneveBaseHeader = 8;
constexpr std::uint16_t kGeneveProtoEthernet = 0x6558;
constexpr std::uint16_t kGeneveProtoIpv4 = 0x0800;
constexpr std::uint16_t kGeneveProtoIpv6 = 0x86DD;

constexpr std::uint32_t kGtpBaseHeader = 8;
constexpr std::uint32_t kGtpOptionalFields = 4;  // sequence number, N-PDU number, next type
constexpr std::uint8_t kGtpProtocolType = 0x10;  // PT: 1 = GTP, 0 = GTP'
constexpr std::uint8_t kGtpExtensionFlag = 0x04;
constexpr std::uint8_t kGtpOptionalFlags = 0x07;  // E, S, PN
constexpr std::uint8_t kGtpMessageGpdu = 0xff;
// Real stacks carry one or two extension headers (PDU session container,
// UDP port, ...); the limit only bounds work on hostile input.
constexpr int kMaxGtpExtensions = 16;

constexpr std::uint16_t kTeredoAuthentication = 0x0001;
constexpr std::uint16_t kTeredoOriginIndication = 0x0000;
constexpr std::uint32_t kTeredoOriginLength = 8;
constexpr std::uint32_t kIpv6Header = 40;

constexpr std::uint32_t kCapwapMinHeader = 8;
constexpr std::uint8_t kCapwapWirelessBindingIeee80211 = 1;

// VNIs and TEIDs are 24 and 32 bits; the VNI sits in the top 24 bits of the word.
std::uint32_t vni_at(const ByteReader& bytes, std::uint32_t offset) {
  return bytes.be32(offset) >> 8;
}

TunnelMatch found(TunnelHeader& out, TunnelKind kind, std::uint32_t id, std::uint32_t offset,
                  InnerStart inner) {
  out = {kind, id, offset, inner};
  return TunnelMatch::found;
}

// Skips GTP-U extension headers; each states its length in 4-byte units and
// ends with the type of the next one (0: none).
bool skip_gtp_extensions(const ByteReader& bytes, std::uint8_t next_type, std::uint32_t& at) {
  for (int walked = 0; next_type != 0; ++walked) {
    if (walked == kMaxGtpExtensions || !bytes.has(at, 1)) return false;
    const std::uint32_t length = bytes.u8(at) * 4u;
    if (length == 0 || !bytes.has(at, length)) return false;  // length 0 would never advance
    next_type = bytes.u8(at + length - 1);
    at += length;
  }
  return true;
}

}  // namespace

TunnelMatch match_vxlan(const ByteReader& bytes, std::uint32_t offset, TunnelHeader& out) {
  if (!bytes.has(offset, kVxlanHeader)) return TunnelMatch::malformed;
  if ((bytes.u8(offset) & kVxlanVniValid) == 0) return TunnelMatch::malformed;
  return found(out, TunnelKind::vxlan, vni_at(bytes, offset + 4), offset + kVxlanHeader,
               InnerStart::ethernet);
}

TunnelMatch match_geneve(const ByteReader& bytes, std::uint32_t offset, TunnelHeader& out) {
  if (!bytes.has(offset, kGeneveBaseHeader)) return TunnelMatch::malformed;
  const std::uint8_t version_options = bytes.u8(offset);
  if ((version_options >> 6) != 0) return TunnelMatch::malformed;
  const std::uint32_t header = kGeneveBaseHeader + (version_options & 0x3fu) * 4;
  if (!bytes.has(offset, header)) return TunnelMatch::malformed;
  const std::uint32_t vni = vni_at(bytes, offset + 4);
  switch (bytes.be16(offset + 2)) {
    case kGeneveProtoEthernet:
      return found(out, TunnelKind::geneve, vni, offset + header, InnerStart::ethernet);
    case kGeneveProtoIpv4:
      return found(out, TunnelKind::geneve, vni, offset + header, InnerStart::ipv4);
    case kGeneveProtoIpv6:
      return found(out, TunnelKind::geneve, vni, offset + header, InnerStart::ipv6);
    default:
      return TunnelMatch::not_tunnel;  // NSH, MPLS, ...: the UDP packet is the flow
  }
}

// Only G-PDUs carry user traffic; echo, error indication and end marker
// messages are GTP-U signalling and stay ordinary UDP packets.
TunnelMatch match_gtpu(const ByteReader& bytes, std::uint32_t offset, TunnelHeader& out) {
  if (!bytes.has(offset, kGtpBaseHeader)) return TunnelMatch::malformed;
  const std::uint8_t flags = bytes.u8(offset);
  if ((flags >> 5) != 1 || (flags & kGtpProtocolType) == 0) return TunnelMatch::malformed;
  if (bytes.u8(offset + 1) != kGtpMessageGpdu) return TunnelMatch::not_tunnel;
  const std::uint32_t teid = bytes.be32(offset + 4);
  std::uint32_t at = offset + kGtpBaseHeader;
  // The three optional fields come together when any of E, S, PN is set; the
  // next-extension type in them counts only when E is.
  if ((flags & kGtpOptionalFlags) != 0) {
    if (!bytes.has(at, kGtpOptionalFields)) return TunnelMatch::malformed;
    const std::uint8_t next_type = (flags & kGtpExtensionFlag) != 0 ? bytes.u8(at + 3) : 0;
    at += kGtpOptionalFields;
    if (!skip_gtp_extensions(bytes, next_type, at)) return TunnelMatch::malformed;
  }
  return found(out, TunnelKind::gtp_u, teid, at, InnerStart::ip_by_version);
}

// Teredo has no header of its own: after the optional authentication and
// origin indications, only a plausible IPv6 header tells it from other
// traffic that happens to use port 3544. Anything else is ordinary UDP.
TunnelMatch match_teredo(const ByteReader& bytes, std::uint32_t offset, std::uint32_t udp_end,
                         TunnelHeader& out) {
  std::uint32_t at = offset;
  if (bytes.has(at, 4) && bytes.be16(at) == kTeredoAuthentication) {
    // indicator(2) id-len(1) auth-len(1) client id, auth value, nonce(8), confirmation(1)
    at += 4 + bytes.u8(at + 2) + bytes.u8(at + 3) + 8 + 1;
  }
  if (bytes.has(at, 2) && bytes.be16(at) == kTeredoOriginIndication) at += kTeredoOriginLength;
  if (!bytes.has(at, 6) || (bytes.u8(at) >> 4) != 6) return TunnelMatch::not_tunnel;
  const std::uint32_t ipv6_length = kIpv6Header + bytes.be16(at + 4);
  if (udp_end < at || ipv6_length > udp_end - at) return TunnelMatch::not_tunnel;
  return found(out, TunnelKind::teredo, 0, at, InnerStart::ipv6);
}

// CAPWAP data channel: access points forward their clients' frames to the
// controller, natively as 802.11 (T=1, binding 1) or converted to 802.3 (T=0).
// DTLS-encrypted packets (preamble type 1), keep-alives (K) and fragments (F)
// carry no frame we can read: they stay the outer UDP flow.
TunnelMatch match_capwap(const ByteReader& bytes, std::uint32_t offset, TunnelHeader& out) {
  if (!bytes.has(offset, kCapwapMinHeader)) return TunnelMatch::malformed;
  if (bytes.u8(offset) != 0) return TunnelMatch::not_tunnel;  // version 0, type 0 (clear)
  const std::uint32_t header = ((bytes.u8(offset + 1) >> 3) & 0x1f) * 4u;  // HLEN
  const std::uint8_t binding = (bytes.u8(offset + 2) >> 1) & 0x1f;           // WBID
  const bool native_frame = (bytes.u8(offset + 2) & 0x01) != 0;               // T
  const std::uint8_t flags = bytes.u8(offset + 3);                            // F L W M K
  constexpr std::uint8_t kFragment = 0x80, kKeepAlive = 0x08;
  if ((flags & (kFragment | kKeepAlive)) != 0) return TunnelMatch::not_tunnel;
  if (header < kCapwapMinHeader || !bytes.has(offset, header)) return TunnelMatch::malformed;
  if (!native_frame) {
    return found(out, TunnelKind::capwap, 0, offset + header, InnerStart::ethernet);
  }
  if (binding != kCapwapWirelessBindingIeee80211) return TunnelMatch::not_tunnel;
  return found(out, TunnelKind::capwap, 0, offset + header, InnerStart::ieee80211);
}

}  // namespace mld::decode
