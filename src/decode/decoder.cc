// Decoder::decode: link layer, IP, transport, then tunnels until the innermost
// packet, which is the flow packet.
//
// Tunnels and the fallback rule. Once a packet is decoded, match_tunnel()
// looks for an encapsulation of an enabled family. If there is one, the packet
// inside is decoded into a fresh view and replaces the outer one, and the loop
// repeats on it. The rules (spec 1.1, and our choices where it is silent):
//  - Lengths (ip_length, l4_length, payload) come from the inner IP header;
//    wire_length and captured_length stay those of the frame. An inner IP
//    length of 0, or one beyond the outer datagram, follows the spec 1.3 rule
//    with the outer datagram in the role of the frame.
//  - The innermost layer that is flow traffic is the flow. If the tunnel
//    header or the inner packet is malformed or truncated, or the inner
//    packet is no flow packet (ARP over VXLAN, 802.11 management frames over
//    CAPWAP, an inner non-first fragment), the packet stays the flow of the
//    outer layer, exactly as decoded before entering the tunnel, with note
//    tunnel_inner_malformed resp. tunnel_inner_not_flow: the tunnel's own
//    packets are traffic too, and a broken tunnel must not hide them.
//  - Beyond Decoder::kMaxTunnelDepth encapsulations the current layer is the
//    flow, with note tunnel_depth_limit.
//  - Only the outer frame's VLAN tags go into view.vlans: they say where the
//    sensor saw the packet (the outer network's segmentation, which the flow
//    key should honour). Tags inside tunnelled Ethernet (VXLAN, GRE TEB,
//    ERSPAN) belong to another network and are skipped.
//  - Notes accumulate from the outer layers to the inner ones.
#include "decode/decoder.h"

#include "decode/byte_reader.h"
#include "decode/ip_layer.h"
#include "decode/link_layer.h"
#include "decode/transport.h"
#include "decode/tunnels.h"

namespace mld::decode {
namespace {

// IP and transport of a packet whose link layer (outer frame or tunnelled
// Ethernet) has been decoded. `bytes` ends where the enclosing frame or
// datagram ends in the capture, `wire_end` where it ends on the wire.
DropReason decode_network(const ByteReader& bytes, std::uint32_t wire_end, const LinkResult& link,
                          PacketView& view, IpLayer& layer) {
  if (link.reason != DropReason::none) return link.reason;
  const DropReason reason = decode_ip(bytes, wire_end, link.l3_offset, link.version, view, layer);
  if (reason != DropReason::none) return reason;
  return decode_transport(bytes, layer, view);
}

LinkResult inner_link_layer(const ByteReader& bytes, const TunnelHeader& tunnel) {
  switch (tunnel.inner) {
    case InnerStart::ethernet:
      return decode_ethernet(bytes, tunnel.inner_offset, /*vlans=*/nullptr);
    case InnerStart::ieee80211:
      return decode_ieee80211(bytes, tunnel.inner_offset, /*vlans=*/nullptr,
                              /*swapped_control_allowed=*/true);
    case InnerStart::ipv4:
      return {DropReason::none, tunnel.inner_offset, IpVersion::v4};
    case InnerStart::ipv6:
      return {DropReason::none, tunnel.inner_offset, IpVersion::v6};
    case InnerStart::ip_by_version:
      break;
  }
  return ip_by_version_nibble(bytes, tunnel.inner_offset);
}

// A view for the packet inside `outer`: the frame's metadata, VLANs, notes and
// tunnel info carry over, every IP and L4 field starts afresh.
PacketView inner_view(const PacketView& outer) {
  PacketView inner;
  inner.timestamp = outer.timestamp;
  inner.wire_length = outer.wire_length;
  inner.captured_length = outer.captured_length;
  inner.input_index = outer.input_index;
  inner.vlans = outer.vlans;
  inner.tunnel = outer.tunnel;
  inner.notes = outer.notes;
  return inner;
}

// Decodes the packet that `tunnel` announced inside the datagram described by
// `outer_layer` into `inner` / `inner_layer`.
DropReason decode_tunnelled_packet(const ByteReader& datagram, const IpLayer& outer_layer,
                                   const TunnelHeader& tunnel, PacketView& inner,
                                   IpLayer& inner_layer) {
  const LinkResult link = inner_link_layer(datagram, tunnel);
  return decode_network(datagram, outer_layer.datagram_end, link, inner, inner_layer);
}

// Removes encapsulations from the decoded packet in `view` (see the file
// comment for the rules).
DropReason decapsulate(const ByteReader& frame_bytes, std::uint32_t families, PacketView& view,
                       IpLayer& layer) {
  for (;;) {
    const ByteReader datagram = frame_bytes.truncated(layer.datagram_end);
    TunnelHeader tunnel;
    switch (match_tunnel(datagram, layer, view, families, tunnel)) {
      case TunnelMatch::not_tunnel:
        return DropReason::none;
      case TunnelMatch::malformed:
        view.notes |= decode_note::tunnel_inner_malformed;
        return DropReason::none;
      case TunnelMatch::found:
        break;
    }
    if (view.tunnel.depth >= Decoder::kMaxTunnelDepth) {
      view.notes |= decode_note::tunnel_depth_limit;
      return DropReason::none;
    }
    PacketView inner = inner_view(view);
    IpLayer inner_layer;
    const DropReason reason = decode_tunnelled_packet(datagram, layer, tunnel, inner, inner_layer);
    if (reason != DropReason::none) {  // `view` is still the outer packet
      const bool not_flow =
          reason == DropReason::not_ip || reason == DropReason::non_first_fragment;
      view.notes |= not_flow ? decode_note::tunnel_inner_not_flow
                             : decode_note::tunnel_inner_malformed;
      return DropReason::none;
    }
    inner.tunnel = {tunnel.kind, static_cast<std::uint8_t>(view.tunnel.depth + 1), tunnel.id};
    view = inner;
    layer = inner_layer;
  }
}

bool is_empty(const capture::RawPacket& frame) {
  return frame.captured_length == 0 || frame.wire_length == 0 || frame.data == nullptr;
}

}  // namespace

DropReason Decoder::decode(const capture::RawPacket& frame, PacketView& view) const {
  view = PacketView{};
  view.timestamp = frame.timestamp;
  view.wire_length = frame.wire_length;
  view.captured_length = frame.captured_length;
  view.input_index = frame.input_index;
  if (is_empty(frame)) return DropReason::empty_frame;
  // A record claiming more captured bytes than the frame had is corrupt; the
  // bytes beyond the original length are not the packet's.
  if (frame.captured_length > frame.wire_length) {
    view.captured_length = frame.wire_length;
    view.notes |= decode_note::caplen_exceeds_len;
  }

  const ByteReader bytes(frame.data, view.captured_length);
  const LinkResult link = decode_link_layer(frame.link_type, bytes, view.vlans);
  IpLayer layer;
  const DropReason reason = decode_network(bytes, frame.wire_length, link, view, layer);
  if (reason != DropReason::none) return reason;
  return decapsulate(bytes, options_.tunnels, view, layer);
}

}  // namespace mld::decode
