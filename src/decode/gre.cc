// GRE (RFC 2784/2890), ERSPAN types I-III (draft-foschiano-erspan) and the
// enhanced GRE of PPTP (RFC 2637).
#include "decode/decoder.h"
#include "decode/link_layer.h"
#include "decode/tunnels.h"

namespace mld::decode {
namespace {

constexpr std::uint16_t kGreChecksumPresent = 0x8000;
constexpr std::uint16_t kGreRoutingPresent = 0x4000;
constexpr std::uint16_t kGreKeyPresent = 0x2000;
constexpr std::uint16_t kGreSequencePresent = 0x1000;
constexpr std::uint16_t kGreAckPresent = 0x0080;  // version 1 only
constexpr std::uint16_t kGreVersionMask = 0x0007;

constexpr std::uint16_t kGreProtoIpv4 = 0x0800;
constexpr std::uint16_t kGreProtoIpv6 = 0x86DD;
constexpr std::uint16_t kGreProtoEthernet = 0x6558;  // transparent Ethernet bridging
constexpr std::uint16_t kGreProtoErspan = 0x88BE;    // types I and II
constexpr std::uint16_t kGreProtoErspan3 = 0x22EB;
constexpr std::uint16_t kGreProtoPpp = 0x880B;

constexpr std::uint32_t kGreBaseHeader = 4;
constexpr std::uint32_t kGreOptionalField = 4;
constexpr std::uint32_t kPptpGreHeader = 8;  // base + payload length + call id
constexpr std::uint32_t kErspan2Header = 8;
constexpr std::uint32_t kErspan3Header = 12;
constexpr std::uint32_t kErspan3PlatformSubheader = 8;

TunnelMatch found(TunnelHeader& out, TunnelKind kind, std::uint32_t id, std::uint32_t offset,
                  InnerStart inner) {
  out = {kind, id, offset, inner};
  return TunnelMatch::found;
}

bool is_erspan(std::uint16_t flags, std::uint16_t protocol) {
  return (flags & kGreVersionMask) == 0 &&
         (protocol == kGreProtoErspan || protocol == kGreProtoErspan3);
}

// ERSPAN II and III carry a 10-bit session id, the mirror session an operator
// configured: a better tunnel id than anything in the GRE header.
std::uint32_t erspan_session(const ByteReader& bytes, std::uint32_t erspan_offset) {
  return bytes.be16(erspan_offset + 2) & 0x03ffu;
}

// ERSPAN: 0x88BE without a sequence number is type I (Ethernet right after
// GRE), with one it is type II; 0x22EB is type III, whose O bit announces an
// 8-byte platform-specific subheader.
TunnelMatch match_erspan(const ByteReader& bytes, std::uint16_t flags, std::uint16_t protocol,
                         std::uint32_t at, std::uint32_t gre_key, TunnelHeader& out) {
  if (protocol == kGreProtoErspan) {
    if ((flags & kGreSequencePresent) == 0) {
      return found(out, TunnelKind::erspan, gre_key, at, InnerStart::ethernet);
    }
    if (!bytes.has(at, kErspan2Header)) return TunnelMatch::malformed;
    return found(out, TunnelKind::erspan, erspan_session(bytes, at), at + kErspan2Header,
                 InnerStart::ethernet);
  }
  if (!bytes.has(at, kErspan3Header)) return TunnelMatch::malformed;
  const std::uint8_t frame_type = (bytes.u8(at + 10) >> 2) & 0x1f;
  if (frame_type != 0) return TunnelMatch::not_tunnel;  // only Ethernet (0) is decoded
  std::uint32_t inner = at + kErspan3Header;
  if ((bytes.u8(at + 11) & 0x01) != 0) inner += kErspan3PlatformSubheader;
  if (!bytes.has(inner, 0)) return TunnelMatch::malformed;
  return found(out, TunnelKind::erspan, erspan_session(bytes, at), inner, InnerStart::ethernet);
}

TunnelMatch match_gre_v0(const ByteReader& bytes, std::uint32_t offset, TunnelHeader& out) {
  const std::uint16_t flags = bytes.be16(offset);
  const std::uint16_t protocol = bytes.be16(offset + 2);
  // RFC 1701 source routing (a variable-length list) is obsolete (RFC 2784).
  if ((flags & kGreRoutingPresent) != 0) return TunnelMatch::malformed;
  std::uint32_t at = offset + kGreBaseHeader;
  if ((flags & kGreChecksumPresent) != 0) at += kGreOptionalField;  // checksum + reserved
  std::uint32_t key = 0;
  if ((flags & kGreKeyPresent) != 0) {
    key = bytes.be32(at);
    at += kGreOptionalField;
  }
  if ((flags & kGreSequencePresent) != 0) at += kGreOptionalField;
  if (!bytes.has(offset, at - offset)) return TunnelMatch::malformed;

  switch (protocol) {
    case kGreProtoIpv4:
      return found(out, TunnelKind::gre, key, at, InnerStart::ipv4);
    case kGreProtoIpv6:
      return found(out, TunnelKind::gre, key, at, InnerStart::ipv6);
    case kGreProtoEthernet:
      return found(out, TunnelKind::gre, key, at, InnerStart::ethernet);
    case kGreProtoErspan:
    case kGreProtoErspan3:
      return match_erspan(bytes, flags, protocol, at, key, out);
    default:
      return TunnelMatch::not_tunnel;  // MPLS, WCCP, keepalives, ...: the GRE packet is the flow
  }
}

// PPTP data channel: the key field is mandatory and holds payload length and
// call id (the id we report); sequence and acknowledgement numbers are optional.
TunnelMatch match_pptp_gre(const ByteReader& bytes, std::uint32_t offset, TunnelHeader& out) {
  const std::uint16_t flags = bytes.be16(offset);
  const std::uint16_t protocol = bytes.be16(offset + 2);
  if (protocol != kGreProtoPpp || (flags & kGreKeyPresent) == 0 ||
      (flags & (kGreChecksumPresent | kGreRoutingPresent)) != 0) {
    return TunnelMatch::malformed;
  }
  if (!bytes.has(offset, kPptpGreHeader)) return TunnelMatch::malformed;
  const std::uint16_t payload_length = bytes.be16(offset + 4);
  const std::uint16_t call_id = bytes.be16(offset + 6);
  std::uint32_t at = offset + kPptpGreHeader;
  if ((flags & kGreSequencePresent) != 0) at += kGreOptionalField;
  if ((flags & kGreAckPresent) != 0) at += kGreOptionalField;
  if (!bytes.has(at, 0)) return TunnelMatch::malformed;
  if (payload_length == 0) return TunnelMatch::not_tunnel;  // acknowledgement only

  PppHeader ppp;
  if (!read_ppp_header(bytes, at, ppp)) return TunnelMatch::malformed;
  if (ppp.protocol == kPppIpv4) {
    return found(out, TunnelKind::gre, call_id, at + ppp.length, InnerStart::ipv4);
  }
  if (ppp.protocol == kPppIpv6) {
    return found(out, TunnelKind::gre, call_id, at + ppp.length, InnerStart::ipv6);
  }
  return TunnelMatch::not_tunnel;  // LCP, CCP, compressed data: the GRE packet is the flow
}

}  // namespace

TunnelMatch match_gre(const ByteReader& bytes, std::uint32_t offset, std::uint32_t families,
                      TunnelHeader& out) {
  if ((families & (tunnel_family::gre | tunnel_family::erspan)) == 0) {
    return TunnelMatch::not_tunnel;
  }
  if (!bytes.has(offset, kGreBaseHeader)) return TunnelMatch::malformed;
  const std::uint16_t flags = bytes.be16(offset);
  const std::uint16_t protocol = bytes.be16(offset + 2);
  const std::uint32_t family =
      is_erspan(flags, protocol) ? tunnel_family::erspan : tunnel_family::gre;
  if ((families & family) == 0) return TunnelMatch::not_tunnel;

  switch (flags & kGreVersionMask) {
    case 0:
      return match_gre_v0(bytes, offset, out);
    case 1:
      return match_pptp_gre(bytes, offset, out);
    default:
      return TunnelMatch::malformed;
  }
}

}  // namespace mld::decode
