#include "app/tls.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/tls_hello.h"
#include "app/x509_summary.h"

namespace mld::app {
namespace {

using flow::Direction;

// Record content types (RFC 8446 section 5.1; 24 is heartbeat, RFC 6520).
constexpr std::uint8_t kFirstContentType = 20;
constexpr std::uint8_t kLastContentType = 24;
constexpr std::uint8_t kChangeCipherSpec = 20;
constexpr std::uint8_t kHandshake = 22;
constexpr std::uint8_t kApplicationData = 23;

constexpr std::size_t kRecordHeaderLength = 5;
constexpr std::size_t kHandshakeHeaderLength = 4;
// RFC 5246 section 6.2.3: no record body, even encrypted, exceeds 2^14 + 2048.
constexpr std::size_t kMaxRecordBody = (std::size_t{1} << 14) + 2048;

// Handshake message types (RFC 8446 section 4).
constexpr std::uint8_t kClientHello = 1;
constexpr std::uint8_t kServerHello = 2;
constexpr std::uint8_t kCertificate = 11;

std::size_t be24(const std::uint8_t* bytes) {
  return (std::size_t{bytes[0]} << 16) | (std::size_t{bytes[1]} << 8) | bytes[2];
}

Bytes take_front(Bytes& input, std::size_t n) {
  const Bytes part = input.first(std::min(n, input.size()));
  input = input.subspan(part.size());
  return part;
}

// What RecordReader::next found.
struct RecordItem {
  enum class Kind { need_more, record, handshake_message, malformed, oversized };
  Kind kind = Kind::need_more;
  std::uint8_t type = 0;  // the record's content type, or the handshake message's type
  Bytes body;             // handshake message body; valid until the next call
};

// Cuts one direction's stream into records, and the handshake records into
// handshake messages (a message may span records; a record may hold several).
// After malformed or oversized the reader must not be fed again.
class RecordReader {
 public:
  // Consumes bytes from the front of `input` up to the next item.
  RecordItem next(Bytes& input) {
    if (message_complete_) {
      message_.clear();
      message_complete_ = false;
    }
    for (;;) {
      if (!in_record_) return read_header(input);
      if (record_type_ != kHandshake) {
        record_left_ -= take_front(input, record_left_).size();
        if (record_left_ > 0) return {};
        in_record_ = false;
        continue;
      }
      if (record_left_ == 0) {
        in_record_ = false;
        continue;
      }
      if (input.empty()) return {};
      if (const auto item = gather_message(input); item.kind != RecordItem::Kind::need_more) {
        return item;
      }
    }
  }

  // A gap can be stepped over only inside a record body that is skipped anyway.
  bool skip_gap(std::uint64_t length) {
    if (!in_record_ || record_type_ == kHandshake || length > record_left_) return false;
    record_left_ -= static_cast<std::size_t>(length);
    return true;
  }

 private:
  RecordItem read_header(Bytes& input) {
    const Bytes part = take_front(input, kRecordHeaderLength - header_fill_);
    std::copy(part.begin(), part.end(), header_.begin() + header_fill_);
    header_fill_ += part.size();
    if (header_fill_ < kRecordHeaderLength) return {};
    header_fill_ = 0;
    const std::uint8_t type = header_[0];
    const std::size_t length = (std::size_t{header_[3]} << 8) | header_[4];
    // Version major 3 (SSLv3 to TLS 1.3 all write 3.x here); SSLv2 is not TLS.
    const bool valid = type >= kFirstContentType && type <= kLastContentType && header_[1] == 3 &&
                       header_[2] <= 4 && length <= kMaxRecordBody;
    if (!valid) return {RecordItem::Kind::malformed};
    in_record_ = true;
    record_type_ = type;
    record_left_ = length;
    return {RecordItem::Kind::record, type};
  }

  RecordItem gather_message(Bytes& input) {
    const std::size_t wanted = message_.size() < kHandshakeHeaderLength
                                   ? kHandshakeHeaderLength - message_.size()
                                   : kHandshakeHeaderLength + declared_length() - message_.size();
    const Bytes part = take_front(input, std::min(wanted, record_left_));
    message_.insert(message_.end(), part.begin(), part.end());
    record_left_ -= part.size();
    if (message_.size() < kHandshakeHeaderLength) return {};
    if (declared_length() > kTlsMaxHandshakeMessage) return {RecordItem::Kind::oversized};
    if (message_.size() < kHandshakeHeaderLength + declared_length()) return {};
    message_complete_ = true;
    return {RecordItem::Kind::handshake_message, message_[0],
            Bytes(message_).subspan(kHandshakeHeaderLength)};
  }

  std::size_t declared_length() const { return be24(message_.data() + 1); }

  std::array<std::uint8_t, kRecordHeaderLength> header_{};
  std::size_t header_fill_ = 0;
  bool in_record_ = false;
  std::uint8_t record_type_ = 0;
  std::size_t record_left_ = 0;        // body bytes of the current record not yet read
  std::vector<std::uint8_t> message_;  // handshake header and body gathered so far
  bool message_complete_ = false;
};

// The first certificate of a TLS <= 1.2 Certificate message (RFC 5246
// section 7.4.2). False when the message is malformed; `leaf` stays empty
// when the list is.
bool read_leaf_certificate(Bytes body, Bytes& leaf) {
  if (body.size() < 3 || be24(body.data()) > body.size() - 3) return false;
  const Bytes list = body.subspan(3, be24(body.data()));
  if (list.empty()) return true;
  if (list.size() < 3 || be24(list.data()) > list.size() - 3) return false;
  leaf = list.subspan(3, be24(list.data()));
  return true;
}

// TLS 1.3 and its drafts (0x7fxx; 0xfbxx: Facebook's) encrypt the certificates.
bool is_tls13(std::uint16_t version) {
  return version == 0x0304 || (version >> 8) == 0x7f || (version >> 8) == 0xfb;
}

class TlsDissector final : public Dissector {
 public:
  explicit TlsDissector(AppCounters& counters) : counters_(counters) {}

  void on_data(Direction side, Micros timestamp, Bytes data, EventOut& out) override {
    if (finished_ || lost_[index(side)]) return;
    RecordReader& reader = readers_[index(side)];
    while (!finished_) {
      const RecordItem item = reader.next(data);
      switch (item.kind) {
        case RecordItem::Kind::need_more:
          return;
        case RecordItem::Kind::record:
          on_record(side, item.type, timestamp, out);
          break;
        case RecordItem::Kind::handshake_message:
          on_handshake(side, item.type, item.body, timestamp, out);
          break;
        case RecordItem::Kind::malformed:
          fail(counters_.tls_malformed, side, timestamp, out);
          break;
        case RecordItem::Kind::oversized:
          fail(counters_.tls_oversized, side, timestamp, out);
          break;
      }
    }
    readers_ = {};  // finished: the handshake buffers are not needed any more
  }

  void on_gap(Direction side, std::uint64_t length) override {
    if (!finished_ && !readers_[index(side)].skip_gap(length)) lost_[index(side)] = true;
  }

  void on_flow_end(Micros timestamp, EventOut& out) override {
    finish(event_side_, timestamp, out);
  }

  // With both directions lost, a pending event waits for on_flow_end.
  bool wants_more() const override { return !finished_ && !(lost_[0] && lost_[1]); }

  std::string_view host() const override { return host_; }

 private:
  bool hello_seen() const { return client_side_ || server_side_; }

  // ChangeCipherSpec or application data ends the plaintext handshake, except
  // from a client still waiting for the ServerHello (TLS 1.3 compatibility
  // mode and 0-RTT data come before it).
  void on_record(Direction side, std::uint8_t type, Micros timestamp, EventOut& out) {
    if (type != kChangeCipherSpec && type != kApplicationData) return;
    if (client_side_ == side && !server_side_) return;
    finish(side, timestamp, out);
  }

  void on_handshake(Direction side, std::uint8_t type, Bytes body, Micros timestamp,
                    EventOut& out) {
    if (type == kClientHello && !client_side_) {
      client_side_ = event_side_ = side;
      if (!read_client_hello(body)) fail(counters_.tls_malformed, side, timestamp, out);
    } else if (type == kServerHello && !server_side_) {
      server_side_ = event_side_ = side;
      if (!read_server_hello(body)) {
        fail(counters_.tls_malformed, side, timestamp, out);
      } else if (negotiated_tls13_) {
        finish(side, timestamp, out);
      }
    } else if (type == kCertificate && server_side_ == side) {
      if (!read_certificate(body)) counters_.tls_malformed.add();
      finish(side, timestamp, out);
    }
  }

  // Fingerprints only from a hello that parsed whole: a partial one would
  // name a client that does not exist.
  bool read_client_hello(Bytes body) {
    tls::ClientHello hello;
    const bool parsed = tls::parse_client_hello(body, hello);
    if (parsed) {
      event_.ja3 = tls::ja3_of(hello);
      event_.ja4 = tls::ja4_of(hello, 't');
    }
    host_ = event_.sni = hello.sni;
    keep_alpns(event_.client_alpns, std::move(hello.alpns));
    return parsed;
  }

  bool read_server_hello(Bytes body) {
    tls::ServerHello hello;
    const bool parsed = tls::parse_server_hello(body, hello);
    const std::uint16_t version = hello.selected_version.value_or(hello.legacy_version);
    event_.version = tls::version_name(version);
    if (parsed) {
      event_.ja3s = tls::ja3s_of(hello);
      negotiated_tls13_ = is_tls13(version);
    }
    keep_alpns(event_.server_alpns, std::move(hello.alpns));
    return parsed;
  }

  bool read_certificate(Bytes body) {
    Bytes leaf;
    if (!read_leaf_certificate(body, leaf)) return false;
    if (leaf.empty()) return true;
    const auto summary = tls::summarize_certificate(leaf);
    if (!summary) {
      counters_.tls_bad_certificates.add();
      return true;
    }
    event_.subject = summary->subject;
    event_.issuerdn = summary->issuerdn;
    event_.serial = summary->serial;
    event_.fingerprint = summary->fingerprint;
    event_.notbefore = summary->notbefore;
    event_.notafter = summary->notafter;
    return true;
  }

  void keep_alpns(std::vector<std::string>& kept, std::vector<std::string> alpns) {
    if (alpns.size() > kTlsMaxAlpnsInEvent) {
      alpns.resize(kTlsMaxAlpnsInEvent);
      truncated_ = true;
    }
    kept = std::move(alpns);
  }

  void fail(Counter& reason, Direction side, Micros timestamp, EventOut& out) {
    reason.add();
    finish(side, timestamp, out);
  }

  // Emits the event (when a hello gave it content) and stops the dissection.
  void finish(Direction side, Micros timestamp, EventOut& out) {
    if (finished_) return;
    finished_ = true;
    if (!hello_seen()) return;
    if (event_.version.empty()) event_.version = tls::version_name(0);  // no ServerHello
    if (truncated_) counters_.events_truncated.add();
    out.emit(side, timestamp, std::move(event_));
  }

  AppCounters& counters_;
  std::array<RecordReader, 2> readers_;
  std::array<bool, 2> lost_{};  // a gap the reader could not step over
  std::optional<Direction> client_side_;
  std::optional<Direction> server_side_;
  Direction event_side_ = Direction::forward;  // the side of the latest hello
  bool negotiated_tls13_ = false;
  bool truncated_ = false;
  bool finished_ = false;
  TlsEvent event_;
  std::string host_;
};

}  // namespace

std::unique_ptr<Dissector> make_tls_dissector(AppCounters& counters) {
  return std::make_unique<TlsDissector>(counters);
}

}  // namespace mld::app
