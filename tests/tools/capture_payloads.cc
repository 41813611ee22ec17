#include "tools/capture_payloads.h"

#include <map>
#include <tuple>

#include "capture/pcap_file_reader.h"
#include "decode/decoder.h"

namespace mld::testing {

std::vector<PayloadPacket> payload_packets(const std::string& path) {
  using Endpoint = std::pair<std::string, std::uint16_t>;
  // conversation key (lower endpoint, upper endpoint, protocol) -> index, first sender
  std::map<std::tuple<Endpoint, Endpoint, std::uint8_t>, std::pair<int, Endpoint>> conversations;
  std::vector<PayloadPacket> out;
  capture::PcapFileReader reader(path, 0);
  decode::Decoder decoder;
  capture::RawPacket frame;
  decode::PacketView view;
  while (reader.next(frame)) {
    if (decoder.decode(frame, view) != decode::DropReason::none) continue;
    if (view.protocol != decode::kProtoTcp && view.protocol != decode::kProtoUdp) continue;
    const Endpoint src{view.src_ip.to_string(view.ip_version), view.src_port};
    const Endpoint dst{view.dst_ip.to_string(view.ip_version), view.dst_port};
    const auto key = src < dst ? std::tuple(src, dst, view.protocol)
                               : std::tuple(dst, src, view.protocol);
    auto [it, inserted] =
        conversations.try_emplace(key, static_cast<int>(conversations.size()), src);
    // A captured SYN-ACK as first packet: its receiver opened the connection.
    if (inserted && view.is_tcp() && view.has_flag(decode::tcp_flag::syn) &&
        view.has_flag(decode::tcp_flag::ack)) {
      it->second.second = dst;
    }
    if (view.captured_payload_length == 0) continue;
    PayloadPacket p;
    p.timestamp = view.timestamp;
    p.protocol = view.protocol;
    p.src_ip = src.first, p.src_port = src.second;
    p.dst_ip = dst.first, p.dst_port = dst.second;
    p.conversation = it->second.first;
    p.side = src == it->second.second ? flow::Direction::forward : flow::Direction::backward;
    p.tcp_seq = view.tcp_seq;
    p.tcp_flags = view.tcp_flags;
    p.payload.assign(view.payload, view.payload + view.captured_payload_length);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace mld::testing
