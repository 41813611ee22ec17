#pragma once
// Test helpers that build frames layer by layer and write them to pcap files,
// so tests describe their packets in a few readable lines and compute their
// expected values by hand. Length fields (IPv4 total length, IPv6 payload
// length, UDP length) are filled in by build() unless a test overrides them.
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mld::testing {

using Bytes = std::vector<std::uint8_t>;

class FrameBuilder {
 public:
  FrameBuilder& ethernet(std::uint16_t ether_type = 0x0800);
  FrameBuilder& vlan(std::uint16_t id, std::uint16_t tpid = 0x8100, std::uint16_t next_type = 0x0800);
  FrameBuilder& mpls(std::uint32_t label, bool bottom_of_stack);
  FrameBuilder& pppoe_session(std::uint16_t ppp_protocol = 0x0021);
  FrameBuilder& ipv4(std::string_view src, std::string_view dst, std::uint8_t protocol,
                     std::uint16_t fragment_field = 0, std::size_t options_bytes = 0);
  FrameBuilder& ipv6(std::string_view src, std::string_view dst, std::uint8_t next_header);
  // A generic IPv6 extension header (Hop-by-Hop, Routing, Destination) of 8*(1+len8) bytes.
  FrameBuilder& ipv6_extension(std::uint8_t next_header, std::uint8_t len8 = 0);
  FrameBuilder& ipv6_fragment(std::uint8_t next_header, std::uint16_t offset8, bool more);
  FrameBuilder& tcp(std::uint16_t sport, std::uint16_t dport, std::uint8_t flags,
                    std::uint32_t seq = 0, std::uint32_t ack = 0, std::uint16_t window = 8192,
                    std::size_t options_bytes = 0);
  FrameBuilder& udp(std::uint16_t sport, std::uint16_t dport);
  FrameBuilder& icmp(std::uint8_t type, std::uint8_t code);
  FrameBuilder& sctp(std::uint16_t sport, std::uint16_t dport);
  // Link headers other than Ethernet. vlan() works after linux_sll() too (it
  // rewrites the protocol field that header ends with), not after linux_sll2().
  FrameBuilder& linux_sll(std::uint16_t protocol = 0x0800);
  FrameBuilder& linux_sll2(std::uint16_t protocol = 0x0800);
  // PPP: optional 0xff 0x03 address/control, 2-byte or compressed 1-byte protocol.
  FrameBuilder& ppp(std::uint16_t protocol = 0x0021, bool address_control = true,
                    bool compressed_protocol = false);

  // Tunnel headers.
  FrameBuilder& gre(std::uint16_t protocol, std::optional<std::uint32_t> key = std::nullopt,
                    std::optional<std::uint32_t> sequence = std::nullopt, bool checksum = false);
  // Enhanced GRE (PPTP, version 1); build() fills the payload length field.
  FrameBuilder& gre_pptp(std::uint16_t call_id, std::optional<std::uint32_t> sequence = 1,
                         std::optional<std::uint32_t> ack = std::nullopt);
  FrameBuilder& erspan2(std::uint16_t session);
  FrameBuilder& erspan3(std::uint16_t session, bool platform_subheader = false,
                        std::uint8_t frame_type = 0);
  FrameBuilder& vxlan(std::uint32_t vni, std::uint8_t flags = 0x08);
  FrameBuilder& geneve(std::uint32_t vni, std::uint16_t protocol = 0x6558,
                       std::size_t options_bytes = 0);
  // GTP-U; build() fills the length field. `pdu_session_extension` adds the
  // optional fields and one 4-byte PDU session container extension header.
  FrameBuilder& gtpu(std::uint32_t teid, std::uint8_t message_type = 0xff,
                     bool pdu_session_extension = false);
  FrameBuilder& teredo_origin(std::uint16_t port = 0xcf7b, std::uint32_t address = 0x3f57fefc);
  FrameBuilder& teredo_authentication(std::uint8_t client_id_length, std::uint8_t auth_length);

  FrameBuilder& raw(std::initializer_list<std::uint8_t> bytes);
  FrameBuilder& raw(const Bytes& bytes);
  FrameBuilder& payload(std::size_t n, std::uint8_t fill = 0xab);

  // Overrides the length field build() would write for the most recent IP header.
  FrameBuilder& ip_length_override(std::uint16_t value);

  Bytes build() const;

 private:
  enum class Kind { other, ipv4, ipv6, udp, pptp, gtpu };
  struct Layer {
    Kind kind;
    std::size_t offset;
    bool length_overridden = false;
    std::uint16_t length_override = 0;
    std::size_t header_length = 0;  // pptp, gtpu: bytes the length field does not cover
  };
  Bytes bytes_;
  std::vector<Layer> layers_;
};

// Writes classic pcap (micro- or nanosecond, either byte order).
class PcapWriter {
 public:
  PcapWriter(const std::string& path, std::uint32_t link_type, bool nanosecond = false,
             bool big_endian = false, std::uint32_t snaplen = 262144);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // `timestamp_us`: microseconds since the epoch. `wire_length` 0 = frame size;
  // `captured` limits the bytes written (snaplen truncation), 0 = all.
  void write(std::int64_t timestamp_us, const Bytes& frame, std::uint32_t wire_length = 0,
             std::uint32_t captured = 0);

 private:
  void put32(std::uint32_t v);
  void put16(std::uint16_t v);
  std::FILE* file_;
  bool nanosecond_;
  bool big_endian_;
};

// Writes pcapng: call section() to start a Section Header Block, interface()
// to add an Interface Description Block (its index is returned), then packets.
class PcapngWriter {
 public:
  explicit PcapngWriter(const std::string& path);
  ~PcapngWriter();
  PcapngWriter(const PcapngWriter&) = delete;
  PcapngWriter& operator=(const PcapngWriter&) = delete;

  void section();
  // `tsresol_exponent`: timestamps in units of 10^-exponent seconds (6 = µs, 9 = ns).
  std::uint32_t interface(std::uint16_t link_type, std::uint8_t tsresol_exponent = 6);
  void write(std::uint32_t interface, std::int64_t timestamp_us, const Bytes& frame);

 private:
  void block(std::uint32_t type, const Bytes& body);
  std::FILE* file_;
  std::vector<std::uint8_t> resolutions_;  // per interface of the current section
};

// A fresh path under the test temp directory ($TMPDIR or /tmp).
std::string temp_path(std::string_view name);

}  // namespace mld::testing
