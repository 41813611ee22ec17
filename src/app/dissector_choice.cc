#include "app/dissector_choice.h"

#include <array>
#include <optional>
#include <string_view>

#include "app/dns.h"
#include "app/http.h"
#include "app/quic.h"
#include "app/smb.h"
#include "app/ssh.h"
#include "app/starttls.h"
#include "app/tls.h"

namespace mld::app {
namespace {

bool starts_with(Bytes bytes, std::string_view prefix) {
  return bytes.size() >= prefix.size() && as_text(bytes.first(prefix.size())) == prefix;
}

bool either_port(const FirstPayload& first, std::uint16_t port) {
  return first.src_port == port || first.dst_port == port;
}

bool looks_like_http(Bytes bytes) {
  static constexpr std::array<std::string_view, 10> kStarts = {
      "GET ",     "POST ",    "HEAD ",  "PUT ",   "DELETE ",
      "OPTIONS ", "CONNECT ", "PATCH ", "TRACE ", "HTTP/1."};
  for (const std::string_view start : kStarts) {
    if (starts_with(bytes, start)) return true;
  }
  return false;
}

// A TLS handshake record: content type 22, major version 3, minor 0-4.
bool looks_like_tls(Bytes bytes) {
  return bytes.size() >= 3 && bytes[0] == 0x16 && bytes[1] == 0x03 && bytes[2] <= 0x04;
}

// NetBIOS session message (type 0) carrying an SMB1/2/3 header, or the
// session request that opens SMB over NetBIOS (port 139).
bool looks_like_smb(const FirstPayload& first) {
  const Bytes b = first.bytes;
  if (b.size() >= 8 && b[0] == 0x00 && (b[5] == 'S' && b[6] == 'M' && b[7] == 'B') &&
      (b[4] == 0xfe || b[4] == 0xff || b[4] == 0xfd)) {
    return true;
  }
  return either_port(first, 139) && !b.empty() && b[0] == 0x81;
}

bool is_dns_port(const FirstPayload& first) {
  return either_port(first, 53) || either_port(first, 5353) || either_port(first, 5355);
}

// QUIC long header (any version), or gQUIC's public header on port 443.
bool looks_like_quic(const FirstPayload& first) {
  const Bytes b = first.bytes;
  if (b.size() < 7) return false;
  const bool long_header = (b[0] & 0xc0) == 0xc0;
  return long_header || either_port(first, 443);
}

// A mail or file-transfer server's greeting on its protocol's port: the
// sessions that may upgrade to TLS with STARTTLS (465 and 993 are TLS from
// the first byte).
std::optional<StartTlsProtocol> starttls_greeting(const FirstPayload& first) {
  const Bytes b = first.bytes;
  if ((either_port(first, 25) || either_port(first, 587)) && starts_with(b, "220")) {
    return StartTlsProtocol::smtp;
  }
  if (either_port(first, 21) && starts_with(b, "220")) return StartTlsProtocol::ftp;
  if (either_port(first, 110) && starts_with(b, "+OK")) return StartTlsProtocol::pop3;
  if (either_port(first, 143) && (starts_with(b, "* OK") || starts_with(b, "* PREAUTH"))) {
    return StartTlsProtocol::imap;
  }
  return std::nullopt;
}

}  // namespace

std::unique_ptr<Dissector> choose_dissector(const FirstPayload& first, AppCounters& counters) {
  const Bytes bytes = first.bytes;
  if (first.transport == Transport::udp) {
    if (is_dns_port(first)) return make_dns_dissector(Transport::udp, counters);
    if (looks_like_quic(first)) return make_quic_dissector(counters);
    return nullptr;
  }
  if (starts_with(bytes, "SSH-")) return make_ssh_dissector(counters);
  if (looks_like_tls(bytes)) return make_tls_dissector(counters);
  if (looks_like_http(bytes)) return make_http_dissector(counters);
  if (looks_like_smb(first)) return make_smb_dissector(counters);
  if (is_dns_port(first)) return make_dns_dissector(Transport::tcp, counters);
  if (const auto protocol = starttls_greeting(first)) {
    return make_starttls_dissector(*protocol, counters);
  }
  return nullptr;
}

}  // namespace mld::app
