#include "tools/pcap_builder.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace mld::testing {
namespace {

void put_be16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put_be32(Bytes& b, std::uint32_t v) {
  put_be16(b, static_cast<std::uint16_t>(v >> 16));
  put_be16(b, static_cast<std::uint16_t>(v));
}
void set_be16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}
void put_address(Bytes& b, int family, std::string_view text) {
  std::uint8_t buf[16];
  if (inet_pton(family, std::string(text).c_str(), buf) != 1) {
    throw std::invalid_argument("bad test address: " + std::string(text));
  }
  b.insert(b.end(), buf, buf + (family == AF_INET ? 4 : 16));
}

}  // namespace

FrameBuilder& FrameBuilder::ethernet(std::uint16_t ether_type) {
  static constexpr std::uint8_t kMacs[12] = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
  bytes_.insert(bytes_.end(), kMacs, kMacs + 12);
  put_be16(bytes_, ether_type);
  return *this;
}

FrameBuilder& FrameBuilder::vlan(std::uint16_t id, std::uint16_t tpid, std::uint16_t next_type) {
  // Rewrites the EtherType just written (by ethernet() or a previous vlan()) to `tpid`.
  set_be16(bytes_, bytes_.size() - 2, tpid);
  put_be16(bytes_, id & 0x0fff);
  put_be16(bytes_, next_type);
  return *this;
}

FrameBuilder& FrameBuilder::mpls(std::uint32_t label, bool bottom_of_stack) {
  put_be32(bytes_, (label << 12) | (bottom_of_stack ? 0x100u : 0u) | 64u);
  return *this;
}

FrameBuilder& FrameBuilder::pppoe_session(std::uint16_t ppp_protocol) {
  bytes_.push_back(0x11);  // version 1, type 1
  bytes_.push_back(0x00);  // code: session data
  put_be16(bytes_, 0x0001);
  put_be16(bytes_, 0);  // length: not checked by the decoder
  put_be16(bytes_, ppp_protocol);
  return *this;
}

FrameBuilder& FrameBuilder::ipv4(std::string_view src, std::string_view dst, std::uint8_t protocol,
                                 std::uint16_t fragment_field, std::size_t options_bytes) {
  layers_.push_back({Kind::ipv4, bytes_.size()});
  bytes_.push_back(static_cast<std::uint8_t>(0x40 | (5 + options_bytes / 4)));
  bytes_.push_back(0);
  put_be16(bytes_, 0);  // total length, filled by build()
  put_be16(bytes_, 0x1234);
  put_be16(bytes_, fragment_field);
  bytes_.push_back(64);
  bytes_.push_back(protocol);
  put_be16(bytes_, 0);
  put_address(bytes_, AF_INET, src);
  put_address(bytes_, AF_INET, dst);
  bytes_.insert(bytes_.end(), options_bytes, 0x01);  // NOP options
  return *this;
}

FrameBuilder& FrameBuilder::ipv6(std::string_view src, std::string_view dst,
                                 std::uint8_t next_header) {
  layers_.push_back({Kind::ipv6, bytes_.size()});
  put_be32(bytes_, 0x60000000);
  put_be16(bytes_, 0);  // payload length, filled by build()
  bytes_.push_back(next_header);
  bytes_.push_back(64);
  put_address(bytes_, AF_INET6, src);
  put_address(bytes_, AF_INET6, dst);
  return *this;
}

FrameBuilder& FrameBuilder::ipv6_extension(std::uint8_t next_header, std::uint8_t len8) {
  bytes_.push_back(next_header);
  bytes_.push_back(len8);
  bytes_.insert(bytes_.end(), 6 + 8 * static_cast<std::size_t>(len8), 0);
  return *this;
}

FrameBuilder& FrameBuilder::ipv6_fragment(std::uint8_t next_header, std::uint16_t offset8,
                                          bool more) {
  bytes_.push_back(next_header);
  bytes_.push_back(0);
  put_be16(bytes_, static_cast<std::uint16_t>((offset8 << 3) | (more ? 1 : 0)));
  put_be32(bytes_, 0xcafe);
  return *this;
}

FrameBuilder& FrameBuilder::tcp(std::uint16_t sport, std::uint16_t dport, std::uint8_t flags,
                                std::uint32_t seq, std::uint32_t ack, std::uint16_t window,
                                std::size_t options_bytes) {
  put_be16(bytes_, sport);
  put_be16(bytes_, dport);
  put_be32(bytes_, seq);
  put_be32(bytes_, ack);
  bytes_.push_back(static_cast<std::uint8_t>((5 + options_bytes / 4) << 4));
  bytes_.push_back(flags);
  put_be16(bytes_, window);
  put_be16(bytes_, 0);  // checksum
  put_be16(bytes_, 0);  // urgent pointer
  bytes_.insert(bytes_.end(), options_bytes, 0x01);
  return *this;
}

FrameBuilder& FrameBuilder::udp(std::uint16_t sport, std::uint16_t dport) {
  layers_.push_back({Kind::udp, bytes_.size()});
  put_be16(bytes_, sport);
  put_be16(bytes_, dport);
  put_be16(bytes_, 0);  // length, filled by build()
  put_be16(bytes_, 0);
  return *this;
}

FrameBuilder& FrameBuilder::icmp(std::uint8_t type, std::uint8_t code) {
  bytes_.push_back(type);
  bytes_.push_back(code);
  put_be16(bytes_, 0);
  put_be32(bytes_, 0x00010001);  // identifier, sequence
  return *this;
}

FrameBuilder& FrameBuilder::sctp(std::uint16_t sport, std::uint16_t dport) {
  put_be16(bytes_, sport);
  put_be16(bytes_, dport);
  put_be32(bytes_, 0x11223344);  // verification tag
  put_be32(bytes_, 0);           // checksum
  return *this;
}

FrameBuilder& FrameBuilder::linux_sll(std::uint16_t protocol) {
  put_be16(bytes_, 0);  // packet type: to us
  put_be16(bytes_, 1);  // ARPHRD_ETHER
  put_be16(bytes_, 6);  // address length
  static constexpr std::uint8_t kAddress[8] = {0x02, 0, 0, 0, 0, 0x01, 0, 0};
  bytes_.insert(bytes_.end(), kAddress, kAddress + 8);
  put_be16(bytes_, protocol);
  return *this;
}

FrameBuilder& FrameBuilder::linux_sll2(std::uint16_t protocol) {
  put_be16(bytes_, protocol);
  put_be16(bytes_, 0);  // reserved
  put_be32(bytes_, 3);  // interface index
  put_be16(bytes_, 1);  // ARPHRD_ETHER
  bytes_.push_back(0);  // packet type: to us
  bytes_.push_back(6);  // address length
  static constexpr std::uint8_t kAddress[8] = {0x02, 0, 0, 0, 0, 0x01, 0, 0};
  bytes_.insert(bytes_.end(), kAddress, kAddress + 8);
  return *this;
}

FrameBuilder& FrameBuilder::ppp(std::uint16_t protocol, bool address_control,
                                bool compressed_protocol) {
  if (address_control) {
    bytes_.push_back(0xff);
    bytes_.push_back(0x03);
  }
  if (compressed_protocol) {
    bytes_.push_back(static_cast<std::uint8_t>(protocol));
  } else {
    put_be16(bytes_, protocol);
  }
  return *this;
}

FrameBuilder& FrameBuilder::gre(std::uint16_t protocol, std::optional<std::uint32_t> key,
                                std::optional<std::uint32_t> sequence, bool checksum) {
  std::uint16_t flags = 0;
  if (checksum) flags |= 0x8000;
  if (key) flags |= 0x2000;
  if (sequence) flags |= 0x1000;
  put_be16(bytes_, flags);  // version 0
  put_be16(bytes_, protocol);
  if (checksum) put_be32(bytes_, 0);  // checksum (not verified) + reserved
  if (key) put_be32(bytes_, *key);
  if (sequence) put_be32(bytes_, *sequence);
  return *this;
}

FrameBuilder& FrameBuilder::gre_pptp(std::uint16_t call_id, std::optional<std::uint32_t> sequence,
                                     std::optional<std::uint32_t> ack) {
  const std::size_t start = bytes_.size();
  std::uint16_t flags = 0x2000 | 0x0001;  // key present, version 1
  if (sequence) flags |= 0x1000;
  if (ack) flags |= 0x0080;
  put_be16(bytes_, flags);
  put_be16(bytes_, 0x880b);
  put_be16(bytes_, 0);  // payload length, filled by build()
  put_be16(bytes_, call_id);
  if (sequence) put_be32(bytes_, *sequence);
  if (ack) put_be32(bytes_, *ack);
  layers_.push_back({Kind::pptp, start});
  layers_.back().header_length = bytes_.size() - start;
  return *this;
}

FrameBuilder& FrameBuilder::erspan2(std::uint16_t session) {
  put_be16(bytes_, 0x1000);                                       // version 1, VLAN 0
  put_be16(bytes_, static_cast<std::uint16_t>(session & 0x3ff));  // COS 0, En 0, T 0
  put_be32(bytes_, 0x00000007);                                   // index
  return *this;
}

FrameBuilder& FrameBuilder::erspan3(std::uint16_t session, bool platform_subheader,
                                    std::uint8_t frame_type) {
  put_be16(bytes_, 0x2000);  // version 2, VLAN 0
  put_be16(bytes_, static_cast<std::uint16_t>(session & 0x3ff));
  put_be32(bytes_, 0x01020304);                                           // timestamp
  put_be16(bytes_, 0);                                                    // security group tag
  bytes_.push_back(static_cast<std::uint8_t>((frame_type & 0x1f) << 2));  // P 0, FT, HwID high
  bytes_.push_back(platform_subheader ? 0x01 : 0x00);                     // ..., O bit
  if (platform_subheader) {
    put_be32(bytes_, 0x0a0b0c0d);  // platform id, port id, ...
    put_be32(bytes_, 0x01020304);  // timestamp seconds
  }
  return *this;
}

FrameBuilder& FrameBuilder::vxlan(std::uint32_t vni, std::uint8_t flags) {
  bytes_.push_back(flags);
  bytes_.insert(bytes_.end(), 3, 0);
  put_be32(bytes_, vni << 8);
  return *this;
}

FrameBuilder& FrameBuilder::geneve(std::uint32_t vni, std::uint16_t protocol,
                                   std::size_t options_bytes) {
  bytes_.push_back(static_cast<std::uint8_t>((options_bytes / 4) & 0x3f));  // version 0
  bytes_.push_back(0);
  put_be16(bytes_, protocol);
  put_be32(bytes_, vni << 8);
  bytes_.insert(bytes_.end(), options_bytes, 0x5a);
  return *this;
}

FrameBuilder& FrameBuilder::gtpu(std::uint32_t teid, std::uint8_t message_type,
                                 bool pdu_session_extension) {
  const std::size_t start = bytes_.size();
  bytes_.push_back(pdu_session_extension ? 0x34 : 0x30);  // version 1, PT 1, E
  bytes_.push_back(message_type);
  put_be16(bytes_, 0);  // length, filled by build()
  put_be32(bytes_, teid);
  if (pdu_session_extension) {
    put_be16(bytes_, 0);     // sequence number
    bytes_.push_back(0);     // N-PDU number
    bytes_.push_back(0x85);  // next extension: PDU session container
    bytes_.push_back(1);     // length: 4 bytes
    bytes_.push_back(0x10);  // PDU type 1 (uplink)
    bytes_.push_back(0x09);  // QFI 9
    bytes_.push_back(0x00);  // no further extension
  }
  layers_.push_back({Kind::gtpu, start});
  layers_.back().header_length = 8;
  return *this;
}

FrameBuilder& FrameBuilder::teredo_origin(std::uint16_t port, std::uint32_t address) {
  put_be16(bytes_, 0x0000);
  put_be16(bytes_, port);
  put_be32(bytes_, address);
  return *this;
}

FrameBuilder& FrameBuilder::teredo_authentication(std::uint8_t client_id_length,
                                                  std::uint8_t auth_length) {
  put_be16(bytes_, 0x0001);
  bytes_.push_back(client_id_length);
  bytes_.push_back(auth_length);
  bytes_.insert(bytes_.end(), client_id_length, 0x11);
  bytes_.insert(bytes_.end(), auth_length, 0x22);
  put_be32(bytes_, 0x01020304);  // nonce
  put_be32(bytes_, 0x05060708);
  bytes_.push_back(0);  // confirmation
  return *this;
}

FrameBuilder& FrameBuilder::raw(std::initializer_list<std::uint8_t> bytes) {
  bytes_.insert(bytes_.end(), bytes);
  return *this;
}

FrameBuilder& FrameBuilder::raw(const Bytes& bytes) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  return *this;
}

FrameBuilder& FrameBuilder::payload(std::size_t n, std::uint8_t fill) {
  bytes_.insert(bytes_.end(), n, fill);
  return *this;
}

FrameBuilder& FrameBuilder::ip_length_override(std::uint16_t value) {
  for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) {
    if (it->kind == Kind::ipv4 || it->kind == Kind::ipv6) {
      it->length_overridden = true;
      it->length_override = value;
      return *this;
    }
  }
  throw std::logic_error("ip_length_override() before any IP header");
}

Bytes FrameBuilder::build() const {
  Bytes out = bytes_;
  // Every length covers everything after its header, inner layers included.
  for (const Layer& layer : layers_) {
    const std::size_t rest = out.size() - layer.offset;
    switch (layer.kind) {
      case Kind::ipv4:
        set_be16(out, layer.offset + 2,
                 layer.length_overridden ? layer.length_override : static_cast<std::uint16_t>(rest));
        break;
      case Kind::ipv6:
        set_be16(out, layer.offset + 4,
                 layer.length_overridden ? layer.length_override
                                         : static_cast<std::uint16_t>(rest - 40));
        break;
      case Kind::udp:
        set_be16(out, layer.offset + 4, static_cast<std::uint16_t>(rest));
        break;
      case Kind::pptp:
        set_be16(out, layer.offset + 4, static_cast<std::uint16_t>(rest - layer.header_length));
        break;
      case Kind::gtpu:
        set_be16(out, layer.offset + 2, static_cast<std::uint16_t>(rest - layer.header_length));
        break;
      case Kind::other:
        break;
    }
  }
  return out;
}

PcapWriter::PcapWriter(const std::string& path, std::uint32_t link_type, bool nanosecond,
                       bool big_endian, std::uint32_t snaplen)
    : file_(std::fopen(path.c_str(), "wb")), nanosecond_(nanosecond), big_endian_(big_endian) {
  if (file_ == nullptr) throw std::runtime_error("cannot create " + path);
  put32(nanosecond ? 0xa1b23c4d : 0xa1b2c3d4);
  put16(2);
  put16(4);
  put32(0);
  put32(0);
  put32(snaplen);
  put32(link_type);
}

PcapWriter::~PcapWriter() { std::fclose(file_); }

void PcapWriter::write(std::int64_t timestamp_us, const Bytes& frame, std::uint32_t wire_length,
                       std::uint32_t captured) {
  const auto caplen = static_cast<std::uint32_t>(
      captured == 0 || captured > frame.size() ? frame.size() : captured);
  put32(static_cast<std::uint32_t>(timestamp_us / 1'000'000));
  const auto fraction = static_cast<std::uint32_t>(timestamp_us % 1'000'000);
  put32(nanosecond_ ? fraction * 1000 : fraction);
  put32(caplen);
  put32(wire_length == 0 ? static_cast<std::uint32_t>(frame.size()) : wire_length);
  if (caplen > 0) std::fwrite(frame.data(), 1, caplen, file_);
}

void PcapWriter::put32(std::uint32_t v) {
  if (big_endian_) v = htonl(v);
  std::fwrite(&v, 4, 1, file_);
}

void PcapWriter::put16(std::uint16_t v) {
  if (big_endian_) v = htons(v);
  std::fwrite(&v, 2, 1, file_);
}

namespace {
void put_le16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_le32(Bytes& b, std::uint32_t v) {
  put_le16(b, static_cast<std::uint16_t>(v));
  put_le16(b, static_cast<std::uint16_t>(v >> 16));
}
}  // namespace

PcapngWriter::PcapngWriter(const std::string& path) : file_(std::fopen(path.c_str(), "wb")) {
  if (file_ == nullptr) throw std::runtime_error("cannot create " + path);
}

PcapngWriter::~PcapngWriter() { std::fclose(file_); }

void PcapngWriter::block(std::uint32_t type, const Bytes& body) {
  Bytes b;
  const auto padded = static_cast<std::uint32_t>((body.size() + 3) & ~std::size_t{3});
  const std::uint32_t total = 12 + padded;
  put_le32(b, type);
  put_le32(b, total);
  b.insert(b.end(), body.begin(), body.end());
  b.resize(8 + padded, 0);
  put_le32(b, total);
  std::fwrite(b.data(), 1, b.size(), file_);
}

void PcapngWriter::section() {
  Bytes body;
  put_le32(body, 0x1a2b3c4d);  // byte-order magic
  put_le16(body, 1);
  put_le16(body, 0);
  put_le32(body, 0xffffffff);  // section length: unknown
  put_le32(body, 0xffffffff);
  block(0x0a0d0d0a, body);
  resolutions_.clear();
}

std::uint32_t PcapngWriter::interface(std::uint16_t link_type, std::uint8_t tsresol_exponent) {
  Bytes body;
  put_le16(body, link_type);
  put_le16(body, 0);
  put_le32(body, 262144);  // snaplen
  put_le16(body, 9);       // option if_tsresol
  put_le16(body, 1);
  body.push_back(tsresol_exponent);
  body.resize(body.size() + 3, 0);
  put_le32(body, 0);  // opt_endofopt
  block(0x00000001, body);
  resolutions_.push_back(tsresol_exponent);
  return static_cast<std::uint32_t>(resolutions_.size() - 1);
}

void PcapngWriter::write(std::uint32_t interface, std::int64_t timestamp_us, const Bytes& frame) {
  std::uint64_t units = static_cast<std::uint64_t>(timestamp_us);
  for (int e = 6; e < resolutions_.at(interface); ++e) units *= 10;
  Bytes body;
  put_le32(body, interface);
  put_le32(body, static_cast<std::uint32_t>(units >> 32));
  put_le32(body, static_cast<std::uint32_t>(units));
  put_le32(body, static_cast<std::uint32_t>(frame.size()));
  put_le32(body, static_cast<std::uint32_t>(frame.size()));
  body.insert(body.end(), frame.begin(), frame.end());
  block(0x00000006, body);
}

std::string temp_path(std::string_view name) {
  const char* dir = std::getenv("TMPDIR");
  std::string base = dir != nullptr && *dir != '\0' ? dir : "/tmp";
  return base + "/mld-test-" + std::to_string(::getpid()) + "-" + std::string(name);
}

}  // namespace mld::testing
