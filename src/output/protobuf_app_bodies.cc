#include "output/protobuf_app_bodies.h"

#include <mldefender/events/v1/events.pb.h>  // generated, in the build tree

#include <variant>

#include "output/app_event_fields.h"

namespace mld::output {
namespace {

namespace pb = mld::events::v1;

// Empty text and unset values are left out, as the EVE writer leaves out their keys.
#define MLD_SET_TEXT_IF_ANY(message, field, text)     \
  do {                                                \
    if (!(text).empty()) (message).set_##field(text); \
  } while (0)
#define MLD_SET_IF_SET(message, field, value)         \
  do {                                                \
    if (value) (message).set_##field(*(value));       \
  } while (0)

void set_fingerprint(const app::Fingerprint& from, pb::Fingerprint& to) {
  to.set_hash(from.hash);
  to.set_string(from.string);
}

void set_dns_record(const app::DnsAnswer& from, pb::Dns::Answer& to) {
  to.set_rrname(from.rrname);
  to.set_rrtype(from.rrtype);
  to.set_ttl(from.ttl);
  MLD_SET_TEXT_IF_ANY(to, rdata, from.rdata);
}

void set_body(const app::DnsEvent& from, pb::Event& event) {
  pb::Dns& dns = *event.mutable_dns();
  dns.set_version(kDnsLogVersion);
  dns.set_type(from.response ? "response" : "request");
  dns.set_id(from.id);
  dns.set_flags(hex_text(from.flags));
  if ((from.flags & dns_flag::qr) != 0) dns.set_qr(true);
  if ((from.flags & dns_flag::aa) != 0) dns.set_aa(true);
  if ((from.flags & dns_flag::tc) != 0) dns.set_tc(true);
  if ((from.flags & dns_flag::rd) != 0) dns.set_rd(true);
  if ((from.flags & dns_flag::ra) != 0) dns.set_ra(true);
  if ((from.flags & dns_flag::z) != 0) dns.set_z(true);
  dns.set_opcode(from.opcode);
  MLD_SET_TEXT_IF_ANY(dns, rcode, from.rcode);
  for (const app::DnsQuery& query : from.queries) {
    pb::Dns::Query& to = *dns.add_queries();
    to.set_rrname(query.rrname);
    to.set_rrtype(query.rrtype);
  }
  for (const app::DnsAnswer& answer : from.answers) set_dns_record(answer, *dns.add_answers());
  for (const app::DnsAnswer& authority : from.authorities) {
    set_dns_record(authority, *dns.add_authorities());
  }
}

void set_body(const app::HttpEvent& from, pb::Event& event) {
  pb::Http& http = *event.mutable_http();
  MLD_SET_TEXT_IF_ANY(http, hostname, from.hostname);
  MLD_SET_TEXT_IF_ANY(http, url, from.url);
  MLD_SET_TEXT_IF_ANY(http, http_user_agent, from.http_user_agent);
  MLD_SET_TEXT_IF_ANY(http, http_content_type, from.http_content_type);
  MLD_SET_TEXT_IF_ANY(http, http_method, from.http_method);
  MLD_SET_TEXT_IF_ANY(http, protocol, from.protocol);
  MLD_SET_IF_SET(http, status, from.status);
  MLD_SET_IF_SET(http, length, from.length);
}

void set_body(const app::TlsEvent& from, pb::Event& event) {
  pb::Tls& tls = *event.mutable_tls();
  MLD_SET_TEXT_IF_ANY(tls, subject, from.subject);
  MLD_SET_TEXT_IF_ANY(tls, issuerdn, from.issuerdn);
  MLD_SET_TEXT_IF_ANY(tls, serial, from.serial);
  MLD_SET_TEXT_IF_ANY(tls, fingerprint, from.fingerprint);
  MLD_SET_TEXT_IF_ANY(tls, sni, from.sni);
  MLD_SET_TEXT_IF_ANY(tls, version, from.version);
  MLD_SET_TEXT_IF_ANY(tls, notbefore, from.notbefore);
  MLD_SET_TEXT_IF_ANY(tls, notafter, from.notafter);
  if (from.ja3) set_fingerprint(*from.ja3, *tls.mutable_ja3());
  if (from.ja3s) set_fingerprint(*from.ja3s, *tls.mutable_ja3s());
  MLD_SET_TEXT_IF_ANY(tls, ja4, from.ja4);
  for (const std::string& alpn : from.client_alpns) tls.add_client_alpns(alpn);
  for (const std::string& alpn : from.server_alpns) tls.add_server_alpns(alpn);
}

void set_ssh_endpoint(const app::SshEndpoint& from, pb::Ssh::Endpoint& to) {
  MLD_SET_TEXT_IF_ANY(to, proto_version, from.proto_version);
  MLD_SET_TEXT_IF_ANY(to, software_version, from.software_version);
  if (from.hassh) set_fingerprint(*from.hassh, *to.mutable_hassh());
}

void set_body(const app::SshEvent& from, pb::Event& event) {
  pb::Ssh& ssh = *event.mutable_ssh();
  if (is_known(from.client)) set_ssh_endpoint(from.client, *ssh.mutable_client());
  if (is_known(from.server)) set_ssh_endpoint(from.server, *ssh.mutable_server());
}

void set_body(const app::SmbEvent& from, pb::Event& event) {
  pb::Smb& smb = *event.mutable_smb();
  smb.set_id(from.id);
  MLD_SET_TEXT_IF_ANY(smb, dialect, from.dialect);
  MLD_SET_TEXT_IF_ANY(smb, command, from.command);
  MLD_SET_TEXT_IF_ANY(smb, status, from.status);
  if (from.status_code) smb.set_status_code(smb_status_code_text(*from.status_code));
  MLD_SET_IF_SET(smb, session_id, from.session_id);
  MLD_SET_IF_SET(smb, tree_id, from.tree_id);
  MLD_SET_TEXT_IF_ANY(smb, filename, from.filename);
  MLD_SET_TEXT_IF_ANY(smb, share, from.share);
}

void set_body(const app::QuicEvent& from, pb::Event& event) {
  pb::Quic& quic = *event.mutable_quic();
  MLD_SET_TEXT_IF_ANY(quic, version, from.version);
  MLD_SET_TEXT_IF_ANY(quic, sni, from.sni);
  MLD_SET_TEXT_IF_ANY(quic, ua, from.ua);
  if (from.ja3) set_fingerprint(*from.ja3, *quic.mutable_ja3());
  MLD_SET_TEXT_IF_ANY(quic, ja4, from.ja4);
}

}  // namespace

void set_app_body(const app::AppEventBody& body, pb::Event& event) {
  std::visit([&event](const auto& from) { set_body(from, event); }, body);
}

}  // namespace mld::output
