#include "app/quic.h"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "app/gquic_chlo.h"
#include "app/gquic_legacy.h"
#include "app/quic_crypto_stream.h"
#include "app/quic_first_message.h"
#include "app/quic_frames.h"
#include "app/quic_initial.h"
#include "app/quic_long_header.h"
#include "app/quic_version.h"
#include "app/tls_hello.h"

namespace mld::app {
namespace {

using namespace quic;

constexpr std::uint8_t kLongHeaderForm = 0x80;
constexpr std::size_t kMinClientInitialDatagram = 1200;

// Initial keys that decrypted a packet of this client, kept because its later
// Initial packets switch to the server's connection ID but keep these keys
// (RFC 9001 section 5.2).
struct ClientKeys {
  std::uint32_t version = 0;
  std::array<std::uint8_t, kMaxConnectionIdLength> dcid{};
  std::size_t dcid_length = 0;
  InitialKeys keys;

  bool derived_from(Bytes id) const {
    return std::equal(id.begin(), id.end(), dcid.begin(), dcid.begin() + dcid_length);
  }
};

std::optional<std::uint32_t> long_header_version(Bytes datagram) {
  if (datagram.size() < 5 || (datagram[0] & kLongHeaderForm) == 0) return std::nullopt;
  return (std::uint32_t{datagram[1]} << 24) | (std::uint32_t{datagram[2]} << 16) |
         (std::uint32_t{datagram[3]} << 8) | datagram[4];
}

HandshakeFormat format_of(Family family) {
  const bool chlo = family == Family::gquic_chlo || family == Family::gquic_legacy ||
                    family == Family::gquic_q046;
  return chlo ? HandshakeFormat::gquic_chlo : HandshakeFormat::tls;
}

class QuicDissector final : public Dissector {
 public:
  explicit QuicDissector(AppCounters& counters) : counters_(counters) {}

  void on_data(flow::Direction side, Micros timestamp, Bytes data, EventOut& out) override {
    if (done_) return;
    read_datagram(side, data);
    if (version_) check_first_message(side, timestamp, out);
    if (!done_ && ++datagrams_ >= kMaxDatagrams) give_up(timestamp, out);
  }

  // Datagrams are never lost in the middle of one: nothing to resynchronise.
  void on_gap(flow::Direction, std::uint64_t) override {}

  void on_flow_end(Micros timestamp, EventOut& out) override { give_up(timestamp, out); }

  bool wants_more() const override { return !done_; }

  std::string_view host() const override { return event_.sni; }

 private:
  void read_datagram(flow::Direction side, Bytes data) {
    const std::optional<std::uint32_t> version = long_header_version(data);
    const bool q046 = version && traits_of(*version).family == Family::gquic_q046;
    if (q046 || (!version && has_legacy_version(data))) {
      read_legacy_packet(side, data);
    } else if (version) {
      read_long_header_packets(side, data);
    }
    // Anything else is a short header packet, or the server's: nothing to read.
  }

  void read_legacy_packet(flow::Direction side, Bytes data) {
    const std::optional<LegacyPacket> packet = parse_legacy_packet(data);
    if (!packet) {
      counters_.quic_malformed.add();
      return;
    }
    if (!is_client(side)) return;
    note_version(packet->version);
    if (collect_handshake_stream(*packet, stream_) == LegacyFrames::malformed) {
      counters_.quic_malformed.add();
    }
  }

  // Coalesced packets: each long header packet's Length leads to the next;
  // a short header packet (or padding) ends the datagram.
  void read_long_header_packets(flow::Direction side, Bytes data) {
    Bytes rest = data;
    while (!rest.empty() && (rest[0] & kLongHeaderForm) != 0) {
      const std::optional<LongHeader> header = parse_long_header(rest);
      if (!header) {
        counters_.quic_malformed.add();
        return;
      }
      if (!read_long_header_packet(side, *header)) return;
      rest = rest.subspan(header->packet.size());
    }
  }

  // False when the rest of the datagram cannot be read.
  bool read_long_header_packet(flow::Direction side, const LongHeader& header) {
    const Family family = header.traits.family;
    if (header.version == 0 || family == Family::unknown) return false;  // negotiation, unknown
    if (family == Family::forcing_negotiation) {
      // Nothing to verify it by, so only a datagram padded as a client's first
      // must be (RFC 9000 section 14.1) is taken for one.
      if (header.packet.size() >= kMinClientInitialDatagram && is_client(side)) {
        note_version(header.version);
      }
      return false;
    }
    if (!is_protected(family)) {  // a plaintext gQUIC version in an IETF header: garbage
      counters_.quic_malformed.add();
      return false;
    }
    if (header.type == LongType::retry) return false;
    if (header.type == LongType::initial) read_initial_packet(side, header);
    return true;
  }

  void read_initial_packet(flow::Direction side, const LongHeader& header) {
    // A client's Initial has a destination ID of 8 bytes or more; a server's may
    // have none (the client chose an empty one). Such a packet must not make
    // its sender the client.
    if (header.dcid.empty() || !is_client(side)) return;
    note_version(header.version);
    std::vector<std::uint8_t> plaintext;
    if (!decrypt(header, plaintext)) return;
    const FrameDialect dialect =
        header.traits.family == Family::ietf ? FrameDialect::ietf : FrameDialect::gquic;
    if (collect_crypto_frames(plaintext, dialect, stream_) == FrameWalk::malformed) {
      counters_.quic_malformed.add();
    }
  }

  bool decrypt(const LongHeader& header, std::vector<std::uint8_t>& plaintext) {
    Unprotect result = Unprotect::failed_authentication;
    if (keys_ && keys_->version == header.version) {
      result = unprotect_initial(keys_->keys, header.packet, header.pn_offset, plaintext);
      if (result == Unprotect::ok) return true;
    }
    // First packet, or new keys: after a Retry the client derives them from
    // the destination ID the server chose.
    if (result == Unprotect::failed_authentication &&
        !(keys_ && keys_->derived_from(header.dcid))) {
      const std::optional<InitialKeys> keys = client_initial_keys(header.traits, header.dcid);
      if (keys) result = unprotect_initial(*keys, header.packet, header.pn_offset, plaintext);
      if (result == Unprotect::ok) remember_keys(header, *keys);
    }
    if (result == Unprotect::too_short) counters_.quic_malformed.add();
    if (result == Unprotect::failed_authentication) counters_.quic_undecryptable.add();
    return result == Unprotect::ok;
  }

  void remember_keys(const LongHeader& header, const InitialKeys& keys) {
    keys_.emplace();
    keys_->version = header.version;
    std::copy(header.dcid.begin(), header.dcid.end(), keys_->dcid.begin());
    keys_->dcid_length = header.dcid.size();
    keys_->keys = keys;
  }

  // The client is whoever sent the first Initial (or gQUIC client) packet.
  bool is_client(flow::Direction side) {
    if (!client_side_) client_side_ = side;
    return *client_side_ == side;
  }

  // A different version is a new attempt after version negotiation: its
  // handshake starts again from offset 0, under other keys.
  void note_version(std::uint32_t version) {
    if (version_ == version) return;
    if (version_) {
      stream_.clear();
      keys_.reset();
    }
    version_ = version;
    format_ = format_of(traits_of(version).family);
    event_.version = version_name(version);
  }

  void check_first_message(flow::Direction side, Micros timestamp, EventOut& out) {
    const FirstMessage first =
        first_message(format_, stream_.contiguous(), CryptoStream::kMaxBytes);
    switch (first.state) {
      case MessageState::incomplete:
        return;
      case MessageState::complete:
        read_hello(first.message);
        break;
      case MessageState::not_a_hello:
        counters_.quic_malformed.add();
        break;
      case MessageState::oversized:
        counters_.tls_oversized.add();
        break;
    }
    emit(side, timestamp, out);
  }

  void read_hello(Bytes message) {
    if (format_ == HandshakeFormat::gquic_chlo) {
      Chlo chlo;
      if (!parse_chlo(message, chlo)) counters_.quic_malformed.add();
      event_.sni = std::move(chlo.sni);
      event_.ua = std::move(chlo.user_agent);
      return;
    }
    tls::ClientHello hello;
    const bool parsed = tls::parse_client_hello(message.subspan(4), hello);
    event_.sni = hello.sni;
    event_.ua = hello.quic_user_agent;
    if (!parsed) {
      counters_.tls_malformed.add();
      return;  // fingerprints of a half-read hello would name no real client
    }
    event_.ja3 = tls::ja3_of(hello);
    event_.ja4 = tls::ja4_of(hello, 'q');
  }

  // Reports what is known if an Initial was seen, and stops either way.
  void give_up(Micros timestamp, EventOut& out) {
    if (done_) return;
    if (version_) {
      emit(client_side_.value_or(flow::Direction::forward), timestamp, out);
    }
    finish();
  }

  void emit(flow::Direction side, Micros timestamp, EventOut& out) {
    out.emit(side, timestamp, AppEventBody{event_});
    finish();
  }

  void finish() {
    done_ = true;
    stream_.clear();
    keys_.reset();
  }

  AppCounters& counters_;
  QuicEvent event_;
  CryptoStream stream_;
  std::optional<ClientKeys> keys_;
  std::optional<flow::Direction> client_side_;
  std::optional<std::uint32_t> version_;
  HandshakeFormat format_ = HandshakeFormat::tls;
  int datagrams_ = 0;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Dissector> make_quic_dissector(AppCounters& counters) {
  return std::make_unique<QuicDissector>(counters);
}

}  // namespace mld::app
