// The EVE lines of protocol events: the flow's header, then one object named
// after the event type with Suricata 8's keys in Suricata 8's order
// (docs/events.md). Text from the wire goes through JsonWriter's escaping.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "output/app_event_fields.h"
#include "output/eve_writer.h"
#include "output/json_writer.h"

namespace mld::output {
namespace {

// Empty text means the dissector found none: the key is left out.
void text_field(JsonWriter& w, std::string_view name, std::string_view text) {
  if (!text.empty()) w.field(name, text);
}

template <class Number>
void optional_field(JsonWriter& w, std::string_view name, const std::optional<Number>& number) {
  if (number) w.field(name, *number);
}

void text_list_field(JsonWriter& w, std::string_view name, const std::vector<std::string>& list) {
  if (list.empty()) return;
  w.key(name);
  w.begin_array();
  for (const std::string& text : list) w.value(std::string_view(text));
  w.end_array();
}

void fingerprint_field(JsonWriter& w, std::string_view name,
                       const std::optional<app::Fingerprint>& fingerprint) {
  if (!fingerprint) return;
  w.key(name);
  w.begin_object();
  w.field("hash", std::string_view(fingerprint->hash));
  w.field("string", std::string_view(fingerprint->string));
  w.end_object();
}

void flag_field(JsonWriter& w, std::string_view name, std::uint16_t flags, std::uint16_t bit) {
  if ((flags & bit) != 0) w.field(name, true);
}

void dns_records_field(JsonWriter& w, std::string_view name,
                       const std::vector<app::DnsAnswer>& records) {
  if (records.empty()) return;
  w.key(name);
  w.begin_array();
  for (const app::DnsAnswer& record : records) {
    w.begin_object();
    w.field("rrname", std::string_view(record.rrname));
    w.field("rrtype", std::string_view(record.rrtype));
    w.field("ttl", record.ttl);
    text_field(w, "rdata", record.rdata);
    w.end_object();
  }
  w.end_array();
}

void write_body(JsonWriter& w, const app::DnsEvent& dns) {
  w.begin_object();
  w.field("version", kDnsLogVersion);
  w.field("type", dns.response ? "response" : "request");
  w.field("id", dns.id);
  w.field("flags", hex_text(dns.flags));
  flag_field(w, "qr", dns.flags, dns_flag::qr);
  flag_field(w, "aa", dns.flags, dns_flag::aa);
  flag_field(w, "tc", dns.flags, dns_flag::tc);
  flag_field(w, "rd", dns.flags, dns_flag::rd);
  flag_field(w, "ra", dns.flags, dns_flag::ra);
  flag_field(w, "z", dns.flags, dns_flag::z);
  w.field("opcode", dns.opcode);
  text_field(w, "rcode", dns.rcode);
  if (!dns.queries.empty()) {
    w.key("queries");
    w.begin_array();
    for (const app::DnsQuery& query : dns.queries) {
      w.begin_object();
      w.field("rrname", std::string_view(query.rrname));
      w.field("rrtype", std::string_view(query.rrtype));
      w.end_object();
    }
    w.end_array();
  }
  dns_records_field(w, "answers", dns.answers);
  dns_records_field(w, "authorities", dns.authorities);
  w.end_object();
}

void write_body(JsonWriter& w, const app::HttpEvent& http) {
  w.begin_object();
  text_field(w, "hostname", http.hostname);
  text_field(w, "url", http.url);
  text_field(w, "http_user_agent", http.http_user_agent);
  text_field(w, "http_content_type", http.http_content_type);
  text_field(w, "http_method", http.http_method);
  text_field(w, "protocol", http.protocol);
  optional_field(w, "status", http.status);
  optional_field(w, "length", http.length);
  w.end_object();
}

void write_body(JsonWriter& w, const app::TlsEvent& tls) {
  w.begin_object();
  text_field(w, "subject", tls.subject);
  text_field(w, "issuerdn", tls.issuerdn);
  text_field(w, "serial", tls.serial);
  text_field(w, "fingerprint", tls.fingerprint);
  text_field(w, "sni", tls.sni);
  text_field(w, "version", tls.version);
  text_field(w, "notbefore", tls.notbefore);
  text_field(w, "notafter", tls.notafter);
  fingerprint_field(w, "ja3", tls.ja3);
  fingerprint_field(w, "ja3s", tls.ja3s);
  text_field(w, "ja4", tls.ja4);
  text_list_field(w, "client_alpns", tls.client_alpns);
  text_list_field(w, "server_alpns", tls.server_alpns);
  w.end_object();
}

void ssh_endpoint_field(JsonWriter& w, std::string_view name, const app::SshEndpoint& endpoint) {
  if (!is_known(endpoint)) return;
  w.key(name);
  w.begin_object();
  text_field(w, "proto_version", endpoint.proto_version);
  text_field(w, "software_version", endpoint.software_version);
  fingerprint_field(w, "hassh", endpoint.hassh);
  w.end_object();
}

void write_body(JsonWriter& w, const app::SshEvent& ssh) {
  w.begin_object();
  ssh_endpoint_field(w, "client", ssh.client);
  ssh_endpoint_field(w, "server", ssh.server);
  w.end_object();
}

void write_body(JsonWriter& w, const app::SmbEvent& smb) {
  w.begin_object();
  w.field("id", smb.id);
  text_field(w, "dialect", smb.dialect);
  text_field(w, "command", smb.command);
  text_field(w, "status", smb.status);
  if (smb.status_code) w.field("status_code", smb_status_code_text(*smb.status_code));
  optional_field(w, "session_id", smb.session_id);
  optional_field(w, "tree_id", smb.tree_id);
  // Suricata's order where a record has both (reads and writes).
  text_field(w, "filename", smb.filename);
  text_field(w, "share", smb.share);
  w.end_object();
}

void write_body(JsonWriter& w, const app::QuicEvent& quic) {
  w.begin_object();
  text_field(w, "version", quic.version);
  text_field(w, "sni", quic.sni);
  text_field(w, "ua", quic.ua);
  fingerprint_field(w, "ja3", quic.ja3);
  text_field(w, "ja4", quic.ja4);
  w.end_object();
}

}  // namespace

void EveWriter::append_app_event(const app::AppEvent& event, TextBuffer& out) const {
  JsonWriter w(out);
  w.begin_object();
  const EventHeader header = app_event_header(event);
  write_header(w, header);
  w.key(header.event_type);
  std::visit([&w](const auto& body) { write_body(w, body); }, event.body);
  w.end_object();
  out.push_back('\n');
}

}  // namespace mld::output
