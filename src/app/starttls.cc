#include "app/starttls.h"

#include <cctype>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/http_head.h"
#include "app/tls.h"

namespace mld::app {
namespace {

using flow::Direction;
using http::equals_ignoring_case;  // the text helpers of the HTTP head parser
using http::trim_blanks;

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

// `line` without its LF or CR LF and trailing blanks.
std::string_view without_line_end(std::string_view line) {
  line.remove_suffix(1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return trim_blanks(line);
}

// One direction's bytes as lines (CR LF or LF), a partial line kept across calls.
class LineSplitter {
 public:
  // Calls on_line(line) for each complete line at the front of `data`, line
  // end and trailing blanks removed, and stops after a line for which it
  // returns false; `data` is left at the first byte not yet read. False when
  // a line grows past kStartTlsMaxLine.
  template <typename OnLine>
  bool split(Bytes& data, OnLine on_line) {
    while (!data.empty()) {
      const void* newline = std::memchr(data.data(), '\n', data.size());
      const std::size_t take =
          newline == nullptr ? data.size()
                             : static_cast<std::size_t>(static_cast<const std::uint8_t*>(newline) -
                                                        data.data()) + 1;
      if (partial_.size() + take > kStartTlsMaxLine) return false;
      partial_ += as_text(data.first(take));
      data = data.subspan(take);
      if (newline == nullptr) break;
      const std::string line = std::move(partial_);
      partial_.clear();
      if (!on_line(without_line_end(line))) break;
    }
    return true;
  }

 private:
  std::string partial_;
};

// The client's upgrade command; an IMAP command's tag goes to `imap_tag`.
bool is_upgrade_command(StartTlsProtocol protocol, std::string_view line, std::string& imap_tag) {
  switch (protocol) {
    case StartTlsProtocol::smtp:
      return equals_ignoring_case(line, "STARTTLS");
    case StartTlsProtocol::pop3:
      return equals_ignoring_case(line, "STLS");
    case StartTlsProtocol::ftp:  // RFC 4217 AUTH TLS, and the older AUTH SSL, TLS-C, TLS-P
      return starts_with_ignoring_case(line, "AUTH TLS") ||
             starts_with_ignoring_case(line, "AUTH SSL");
    case StartTlsProtocol::imap: {
      const std::size_t space = line.find(' ');
      if (space == 0 || space == std::string_view::npos ||
          !equals_ignoring_case(trim_blanks(line.substr(space)), "STARTTLS")) {
        return false;
      }
      imap_tag.assign(line.substr(0, space));
      return true;
    }
  }
  return false;
}

enum class Reply { positive, negative, unrelated };

// SMTP and FTP: "CODE text" ends a reply, "CODE-text" (and, in FTP, any
// line without a code) continues it.
Reply coded_reply(std::string_view line, std::string_view accepted) {
  const bool has_code = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                        std::isdigit(static_cast<unsigned char>(line[1])) &&
                        std::isdigit(static_cast<unsigned char>(line[2]));
  if (!has_code || (line.size() > 3 && line[3] != ' ')) return Reply::unrelated;
  return line.substr(0, 3) == accepted ? Reply::positive : Reply::negative;
}

// What one line of the server says of the upgrade the client asked for.
Reply reply_to_upgrade(StartTlsProtocol protocol, std::string_view line,
                       std::string_view imap_tag) {
  switch (protocol) {
    case StartTlsProtocol::smtp:
      return coded_reply(line, "220");
    case StartTlsProtocol::ftp:
      return coded_reply(line, "234");
    case StartTlsProtocol::pop3:
      return line.starts_with("+OK") ? Reply::positive : Reply::negative;
    case StartTlsProtocol::imap: {
      // Untagged ("* ...") and other commands' lines are not the answer.
      if (line.size() <= imap_tag.size() || !line.starts_with(imap_tag) ||
          line[imap_tag.size()] != ' ') {
        return Reply::unrelated;
      }
      return starts_with_ignoring_case(trim_blanks(line.substr(imap_tag.size())), "OK")
                 ? Reply::positive
                 : Reply::negative;
    }
  }
  return Reply::negative;
}

// What the dissector keeps until the upgrade.
struct ClearText {
  std::optional<Direction> server;  // the side that greeted
  LineSplitter client_lines, server_lines;
  std::size_t client_line_count = 0;
  bool upgrade_requested = false;
  std::string imap_tag;
  // Sent after the upgrade command, before the server's reply was read.
  std::vector<std::uint8_t> early_client_bytes;
};

class StartTlsDissector final : public Dissector {
 public:
  StartTlsDissector(StartTlsProtocol protocol, AppCounters& counters)
      : protocol_(protocol), counters_(counters), clear_(std::make_unique<ClearText>()) {}

  void on_data(Direction side, Micros timestamp, Bytes data, EventOut& out) override {
    if (tls_ != nullptr) {
      tls_->on_data(side, timestamp, data, out);
    } else if (clear_ != nullptr) {
      if (!clear_->server) clear_->server = side;
      if (side == *clear_->server) {
        read_server(timestamp, data, out);
      } else {
        read_client(data);
      }
    }
  }

  void on_gap(Direction side, std::uint64_t length) override {
    if (tls_ != nullptr) {
      tls_->on_gap(side, length);
    } else {
      clear_.reset();
    }
  }

  void on_flow_end(Micros timestamp, EventOut& out) override {
    if (tls_ != nullptr) tls_->on_flow_end(timestamp, out);
  }

  bool wants_more() const override {
    return tls_ != nullptr ? tls_->wants_more() : clear_ != nullptr;
  }

  std::string_view host() const override {
    return tls_ != nullptr ? tls_->host() : std::string_view();
  }

 private:
  void read_client(Bytes data) {
    ClearText& clear = *clear_;
    if (!clear.upgrade_requested) {
      bool too_many = false;
      const bool fits = clear.client_lines.split(data, [&](std::string_view line) {
        too_many = ++clear.client_line_count > kStartTlsMaxClientLines;
        clear.upgrade_requested =
            !too_many && is_upgrade_command(protocol_, line, clear.imap_tag);
        return !too_many && !clear.upgrade_requested;
      });
      if (!fits || too_many) {
        clear_.reset();
        return;
      }
    }
    if (!clear.upgrade_requested || data.empty()) return;
    if (clear.early_client_bytes.size() + data.size() > kStartTlsMaxEarlyBytes) {
      clear_.reset();
      return;
    }
    clear.early_client_bytes.insert(clear.early_client_bytes.end(), data.begin(), data.end());
  }

  void read_server(Micros timestamp, Bytes data, EventOut& out) {
    ClearText& clear = *clear_;
    Reply reply = Reply::unrelated;
    const bool fits = clear.server_lines.split(data, [&](std::string_view line) {
      // Before the request: the greeting, capabilities, replies to other commands.
      if (clear.upgrade_requested) reply = reply_to_upgrade(protocol_, line, clear.imap_tag);
      return reply == Reply::unrelated;
    });
    if (!fits || reply == Reply::negative) {
      clear_.reset();
    } else if (reply == Reply::positive) {
      upgrade(timestamp, data, out);
    }
  }

  // From here both directions are TLS: the client's early bytes first, then
  // what followed the server's reply.
  void upgrade(Micros timestamp, Bytes server_rest, EventOut& out) {
    const std::unique_ptr<ClearText> clear = std::move(clear_);
    const Direction server = *clear->server;
    tls_ = make_tls_dissector(counters_);
    if (!clear->early_client_bytes.empty()) {
      tls_->on_data(flow::opposite(server), timestamp, clear->early_client_bytes, out);
    }
    if (!server_rest.empty()) tls_->on_data(server, timestamp, server_rest, out);
  }

  StartTlsProtocol protocol_;
  AppCounters& counters_;
  std::unique_ptr<ClearText> clear_;  // null once upgraded or given up
  std::unique_ptr<Dissector> tls_;
};

}  // namespace

std::unique_ptr<Dissector> make_starttls_dissector(StartTlsProtocol protocol,
                                                   AppCounters& counters) {
  return std::make_unique<StartTlsDissector>(protocol, counters);
}

}  // namespace mld::app
