#pragma once
// What the application dissectors report: one value per EVE protocol event,
// with Suricata 8's field names (docs/events.md). Text taken from traffic is
// kept as raw bytes in std::string (it may be invalid UTF-8); the writers
// escape it. Empty strings and unset optionals are left out of the event.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/time.h"
#include "flow/direction.h"
#include "flow/flow_identity.h"

namespace mld::app {

struct DnsQuery {
  std::string rrname;  // dotted, without the root's trailing dot ("" for the root)
  std::string rrtype;  // "A", "AAAA", ... or the number as text ("TYPE65534" style is not used)
};

struct DnsAnswer {
  std::string rrname;
  std::string rrtype;
  std::uint32_t ttl = 0;
  std::string rdata;  // A/AAAA: address text; names: dotted; TXT: the text; else left empty
};

// Suricata 8 "dns" version 3: one event per message (request or response).
struct DnsEvent {
  bool response = false;  // "type": "request" / "response"
  std::uint16_t id = 0;
  std::uint16_t flags = 0;  // the raw 16 flag bits ("flags": 4 lowercase hex digits)
  std::uint8_t opcode = 0;
  std::string rcode;  // "NOERROR", "NXDOMAIN", ... (responses only; empty in requests)
  std::vector<DnsQuery> queries;
  std::vector<DnsAnswer> answers;
  std::vector<DnsAnswer> authorities;
  // The flag bits qr, aa, tc, rd, ra are derived from `flags` by the writer.
};

// One HTTP/1.x request/response pair (a request without a response when the
// flow ended first, or a response whose request was not seen).
struct HttpEvent {
  std::string hostname;
  std::string url;
  std::string http_user_agent;
  std::string http_content_type;  // of the response
  std::string http_method;
  std::string protocol;  // "HTTP/1.1"
  std::optional<std::uint32_t> status;
  std::optional<std::uint64_t> length;  // response body bytes (Content-Length or counted)
};

struct Fingerprint {
  std::string hash;    // 32 hex digits (MD5)
  std::string string;  // what was hashed
};

struct TlsEvent {
  std::string subject;      // server certificate (TLS <= 1.2): RFC 4514-like "C=US, O=..., CN=..."
  std::string issuerdn;
  std::string serial;       // "00:AB:CD" uppercase hex pairs
  std::string fingerprint;  // SHA-1 of the DER certificate, "aa:bb:..." lowercase
  std::string sni;
  std::string version;      // "TLS 1.2", "TLS 1.3", "SSLv3", "UNDETERMINED"
  std::string notbefore;    // "2016-08-24T00:00:00"
  std::string notafter;
  std::optional<Fingerprint> ja3;
  std::optional<Fingerprint> ja3s;
  std::string ja4;  // "t13d1516h2_8daaf6152771_e5627efa2ab1"
  std::vector<std::string> client_alpns;
  std::vector<std::string> server_alpns;
};

struct SshEndpoint {
  std::string proto_version;     // "2.0"
  std::string software_version;  // "OpenSSH_8.2p1"
  std::optional<Fingerprint> hassh;
};

struct SshEvent {
  SshEndpoint client;
  SshEndpoint server;
};

// One SMB2/3 (or SMB1) request/response transaction.
struct SmbEvent {
  std::uint64_t id = 0;  // transaction number in the flow, from 1
  std::string dialect;   // "2.10", "3.11", "NT LM 0.12", "unknown"
  std::string command;   // "SMB2_COMMAND_TREE_CONNECT", "SMB1_COMMAND_NEGOTIATE_PROTOCOL"
  std::string status;    // "STATUS_SUCCESS", "STATUS_ACCESS_DENIED", or "" when unknown
  std::optional<std::uint32_t> status_code;  // NTSTATUS of the response
  std::optional<std::uint64_t> session_id;
  std::optional<std::uint32_t> tree_id;
  std::string share;     // "\\\\server\\IPC$" for tree connects (and later commands on that tree)
  std::string filename;  // create / open
};

struct QuicEvent {
  std::string version;  // "1", "2", "ff00001d" (drafts), "Q046" (gQUIC)
  std::string sni;
  std::string ua;  // gQUIC / QUIC user agent where present
  std::optional<Fingerprint> ja3;
  std::string ja4;  // "q13d0310h3_..."
};

using AppEventBody = std::variant<DnsEvent, HttpEvent, TlsEvent, SshEvent, SmbEvent, QuicEvent>;

// The event_type each body is written as.
constexpr const char* event_type_of(const AppEventBody& body) {
  constexpr const char* names[] = {"dns", "http", "tls", "ssh", "smb", "quic"};
  return names[body.index()];
}

// A protocol event ready for the sinks. `flow` is oriented like the flow
// record (src = the flow's forward endpoint); `side` is the direction of the
// packet that completed the event (DNS responses are written from the
// server's side, as Suricata does).
struct AppEvent {
  flow::FlowIdentity flow;
  Micros timestamp = 0;
  flow::Direction side = flow::Direction::forward;
  AppEventBody body;
};

}  // namespace mld::app
