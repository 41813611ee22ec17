#include "app/ssh.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "app/hex_digest.h"

namespace mld::app {
namespace {

using flow::Direction;

constexpr std::uint8_t kMsgKexinit = 20;
constexpr std::uint8_t kMsgNewkeys = 21;
// packet_length (4), padding_length (1) and the message code (1).
constexpr std::size_t kPacketHeaderBytes = 6;
constexpr std::size_t kCookieBytes = 16;
// KEXINIT name-lists up to compression_algorithms_server_to_client (RFC 4253 section 7.1).
constexpr std::size_t kNameListsNeeded = 8;
enum NameList : std::size_t {
  kKex = 0,
  kCiphersToServer = 2,
  kCiphersToClient,
  kMacsToServer,
  kMacsToClient,
  kCompressionToServer,
  kCompressionToClient
};

std::uint32_t be32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{u[0]} << 24) | (std::uint32_t{u[1]} << 16) | (std::uint32_t{u[2]} << 8) |
         std::uint32_t{u[3]};
}

// nullopt where OpenSSL refuses MD5 (a FIPS-only provider).
std::optional<Fingerprint> md5_fingerprint(std::string text) {
  std::string hash = hex_digest(DigestAlgorithm::md5, text);
  if (hash.empty()) return std::nullopt;
  return Fingerprint{std::move(hash), std::move(text)};
}

// "SSH-protoversion-softwareversion SP comments": the software version ends at
// the first space, as Suricata cuts it. False when the '-' after the protocol
// version is missing (the protocol version is still kept).
bool parse_banner(std::string_view line, SshEndpoint& endpoint) {
  line.remove_prefix(4);  // "SSH-"
  const std::size_t dash = line.find('-');
  endpoint.proto_version = std::string(line.substr(0, dash));
  if (dash == std::string_view::npos || dash == 0) return false;
  const std::string_view rest = line.substr(dash + 1);
  endpoint.software_version = std::string(rest.substr(0, rest.find(' ')));
  return true;
}

// SSH-1 peers (protocol "1.x" other than the compatibility "1.99") never send a KEXINIT.
bool is_ssh1(std::string_view proto_version) {
  return proto_version.starts_with("1.") && proto_version != "1.99";
}

// `payload`: the KEXINIT payload after its message code. What hassh hashes:
// the lists this side offers for its own sending direction; nullopt when malformed.
std::optional<std::string> hassh_string(std::string_view payload, bool client) {
  if (payload.size() < kCookieBytes) return std::nullopt;
  payload.remove_prefix(kCookieBytes);
  std::array<std::string_view, kNameListsNeeded> lists;
  for (auto& list : lists) {
    if (payload.size() < 4) return std::nullopt;
    const std::uint32_t length = be32(payload.data());
    payload.remove_prefix(4);
    if (length > payload.size()) return std::nullopt;
    list = payload.substr(0, length);
    payload.remove_prefix(length);
  }
  const auto pick = [&](NameList to_server, NameList to_client) {
    return lists[client ? to_server : to_client];
  };
  std::string text(lists[kKex]);
  for (const std::string_view part :
       {pick(kCiphersToServer, kCiphersToClient), pick(kMacsToServer, kMacsToClient),
        pick(kCompressionToServer, kCompressionToClient)}) {
    text += ';';
    text += part;
  }
  return text;
}

// One direction of the handshake: its lines, then binary packets up to its KEXINIT.
class SshSide {
 public:
  SshSide(bool client, AppCounters& counters) : client_(client), counters_(counters) {}

  void consume(Bytes data) {
    std::string_view rest = as_text(data);
    while (!rest.empty() && stage_ != Stage::done) rest = step(rest);
  }

  // `length` bytes were lost. Inside a packet being skipped they change
  // nothing; anywhere else the next line or packet boundary is unknown.
  void lose(std::uint64_t length) {
    if (stage_ == Stage::skip_packet && length <= skip_left_) {
      skip_left_ -= static_cast<std::uint32_t>(length);
      if (skip_left_ == 0) stage_ = Stage::packet_header;
    } else {
      finish();
    }
  }

  bool finished() const { return stage_ == Stage::done; }
  bool banner_seen() const { return banner_seen_; }
  const SshEndpoint& endpoint() const { return endpoint_; }

 private:
  enum class Stage { line, skip_line_end, packet_header, kexinit, skip_packet, done };

  std::string_view step(std::string_view rest) {
    switch (stage_) {
      case Stage::line:
        return take_line(rest);
      case Stage::skip_line_end:
        return skip_line_end(rest);
      case Stage::packet_header:
        return take_packet_header(rest);
      case Stage::kexinit:
        return take_kexinit(rest);
      case Stage::skip_packet:
        return skip_packet(rest);
      case Stage::done:
        break;
    }
    return {};
  }

  // Appends up to `wanted` bytes of the buffer's next part; returns what is left of `rest`.
  std::string_view fill(std::string_view rest, std::size_t wanted) {
    const std::size_t n = std::min(rest.size(), wanted - buffer_.size());
    buffer_.append(rest.substr(0, n));
    return rest.substr(n);
  }

  std::string_view take_line(std::string_view rest) {
    const std::size_t room = ssh::kMaxLineBytes - buffer_.size();
    const std::size_t newline = rest.substr(0, room).find('\n');
    if (newline == std::string_view::npos) {
      rest = fill(rest, ssh::kMaxLineBytes);
      if (buffer_.size() == ssh::kMaxLineBytes) overlong_line();
      return rest;
    }
    buffer_.append(rest.substr(0, newline));
    if (!buffer_.empty() && buffer_.back() == '\r') buffer_.pop_back();
    end_line();
    return rest.substr(newline + 1);
  }

  void end_line() {
    const std::string line = std::exchange(buffer_, {});
    if (line.starts_with("SSH-")) {
      if (!identification(line, Stage::packet_header)) malformed();
      return;
    }
    // Only a server may send other lines before its identification (RFC 4253 section 4.2).
    if (client_ || ++lines_before_banner_ > ssh::kMaxLinesBeforeBanner) malformed();
  }

  // A line with no line end within kMaxLineBytes: an identification keeps
  // what fits (as Suricata does) but is still counted; anything else ends
  // this direction.
  void overlong_line() {
    const std::string line = std::exchange(buffer_, {});
    if (!line.starts_with("SSH-") || !identification(line, Stage::skip_line_end)) {
      return malformed();
    }
    counters_.ssh_malformed.add();
  }

  // False when the banner is malformed (what it held is kept).
  bool identification(std::string_view line, Stage next) {
    banner_seen_ = true;
    if (!parse_banner(line, endpoint_)) return false;
    stage_ = is_ssh1(endpoint_.proto_version) ? Stage::done : next;
    return true;
  }

  std::string_view skip_line_end(std::string_view rest) {
    const std::size_t newline = rest.find('\n');
    if (newline == std::string_view::npos) return {};
    stage_ = Stage::packet_header;
    return rest.substr(newline + 1);
  }

  std::string_view take_packet_header(std::string_view rest) {
    rest = fill(rest, kPacketHeaderBytes);
    if (buffer_.size() < kPacketHeaderBytes) return rest;
    packet_length_ = be32(buffer_.data());
    const auto padding_length = static_cast<std::uint8_t>(buffer_[4]);
    const auto code = static_cast<std::uint8_t>(buffer_[5]);
    // The payload (message code included) must hold at least the code.
    if (packet_length_ > ssh::kMaxPacketLength || packet_length_ < padding_length + 2u) {
      malformed();
    } else if (code == kMsgKexinit) {
      payload_length_ = packet_length_ - padding_length - 1;
      stage_ = Stage::kexinit;
    } else if (code == kMsgNewkeys || ++packets_before_kexinit_ > ssh::kMaxPacketsBeforeKexinit) {
      malformed();  // keys change (or too much noise) before any KEXINIT
    } else {
      skip_left_ = packet_length_ - 2;  // padding_length and code are read
      buffer_.clear();
      stage_ = skip_left_ == 0 ? Stage::packet_header : Stage::skip_packet;
    }
    return rest;
  }

  std::string_view take_kexinit(std::string_view rest) {
    rest = fill(rest, 5 + payload_length_);  // packet_length, padding_length, payload
    if (buffer_.size() < 5 + payload_length_) return rest;
    std::optional<std::string> text =
        hassh_string(std::string_view(buffer_).substr(kPacketHeaderBytes), client_);
    if (text) {
      endpoint_.hassh = md5_fingerprint(std::move(*text));
    } else {
      counters_.ssh_malformed.add();
    }
    finish();
    return rest;
  }

  std::string_view skip_packet(std::string_view rest) {
    const std::size_t n = std::min<std::size_t>(rest.size(), skip_left_);
    skip_left_ -= n;
    if (skip_left_ == 0) stage_ = Stage::packet_header;
    return rest.substr(n);
  }

  void malformed() {
    counters_.ssh_malformed.add();
    finish();
  }

  void finish() {
    stage_ = Stage::done;
    buffer_ = std::string();  // release the memory, not just the contents
  }

  const bool client_;
  AppCounters& counters_;
  Stage stage_ = Stage::line;
  std::string buffer_;  // the line or packet being assembled
  int lines_before_banner_ = 0;
  int packets_before_kexinit_ = 0;
  std::uint32_t packet_length_ = 0;
  std::uint32_t payload_length_ = 0;
  std::uint32_t skip_left_ = 0;
  bool banner_seen_ = false;
  SshEndpoint endpoint_;
};

class SshDissector final : public Dissector {
 public:
  explicit SshDissector(AppCounters& counters)
      : sides_{SshSide(true, counters), SshSide(false, counters)} {}

  void on_data(Direction side, Micros timestamp, Bytes data, EventOut& out) override {
    if (!wants_more()) return;  // a gap may have finished both sides: on_flow_end reports them
    last_side_ = side;
    sides_[index(side)].consume(data);
    if (sides_[0].finished() && sides_[1].finished()) emit(side, timestamp, out);
  }

  void on_gap(Direction side, std::uint64_t length) override { sides_[index(side)].lose(length); }

  void on_flow_end(Micros timestamp, EventOut& out) override {
    if (!emitted_) emit(last_side_, timestamp, out);
  }

  bool wants_more() const override {
    return !emitted_ && !(sides_[0].finished() && sides_[1].finished());
  }

  std::string_view host() const override { return {}; }

 private:
  void emit(Direction side, Micros timestamp, EventOut& out) {
    emitted_ = true;
    if (!sides_[0].banner_seen() && !sides_[1].banner_seen()) return;  // not SSH after all
    out.emit(side, timestamp, SshEvent{sides_[0].endpoint(), sides_[1].endpoint()});
  }

  std::array<SshSide, 2> sides_;  // indexed by flow::index(direction): client, server
  Direction last_side_ = Direction::forward;
  bool emitted_ = false;
};

}  // namespace

std::unique_ptr<Dissector> make_ssh_dissector(AppCounters& counters) {
  return std::make_unique<SshDissector>(counters);
}

}  // namespace mld::app
