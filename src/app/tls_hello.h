#pragma once
// TLS handshake messages as far as the sensor needs them: the ClientHello
// and ServerHello fields behind SNI, ALPN, JA3, JA3S and JA4. Shared by the
// TLS dissector (over TCP) and the QUIC dissector (CRYPTO frames of the
// decrypted Initial packets).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/dissector.h"

namespace mld::app::tls {

struct ClientHello {
  std::uint16_t legacy_version = 0;  // client_version field
  std::vector<std::uint16_t> cipher_suites;     // in order, GREASE included
  std::vector<std::uint16_t> extensions;        // types in order, GREASE included
  std::vector<std::uint16_t> supported_groups;  // "elliptic_curves"
  std::vector<std::uint8_t> ec_point_formats;
  std::vector<std::uint16_t> signature_algorithms;
  std::vector<std::uint16_t> supported_versions;
  std::vector<std::string> alpns;
  std::string sni;  // host_name entry of server_name
  std::string quic_user_agent;  // QUIC transport parameter google_user_agent, where present
};

struct ServerHello {
  std::uint16_t legacy_version = 0;
  std::uint16_t cipher_suite = 0;
  std::vector<std::uint16_t> extensions;
  std::optional<std::uint16_t> selected_version;  // supported_versions extension
  std::vector<std::string> alpns;
};

// `body`: one handshake message's body (after the 4-byte handshake header).
// False when it is malformed; fields parsed before the fault are kept.
bool parse_client_hello(Bytes body, ClientHello& hello);
bool parse_server_hello(Bytes body, ServerHello& hello);

// Fingerprints (GREASE values are left out, as their definitions say).
Fingerprint ja3_of(const ClientHello& hello);
Fingerprint ja3s_of(const ServerHello& hello);
// `transport`: 't' (TCP) or 'q' (QUIC).
std::string ja4_of(const ClientHello& hello, char transport);

// "TLS 1.2", "TLS 1.3", "SSLv3", ... as Suricata writes them; "0x%04x" otherwise.
std::string version_name(std::uint16_t version);

}  // namespace mld::app::tls
