#pragma once
// What the EVE writer and the protobuf encoder both derive from a protocol
// event (src/app/app_event.h), so that the two formats cannot disagree.
// Formats are Suricata 8's.
#include <charconv>
#include <cstdint>
#include <string>

#include "app/app_event.h"

namespace mld::output {

// "dns" objects follow Suricata 8's DNS log format version 3.
inline constexpr std::uint32_t kDnsLogVersion = 3;

// DNS header flag bits written as booleans, each only when set.
namespace dns_flag {
inline constexpr std::uint16_t qr = 0x8000;
inline constexpr std::uint16_t aa = 0x0400;
inline constexpr std::uint16_t tc = 0x0200;
inline constexpr std::uint16_t rd = 0x0100;
inline constexpr std::uint16_t ra = 0x0080;
inline constexpr std::uint16_t z = 0x0040;
}  // namespace dns_flag

// Lowercase hex without leading zeros, as Suricata's "{:x}": the DNS "flags"
// ("8180", "100") and, after "0x", the SMB "status_code" ("0x0", "0xc0000022").
inline std::string hex_text(std::uint32_t value) {
  char text[8];
  return std::string(text, std::to_chars(text, text + sizeof text, value, 16).ptr);
}

inline std::string smb_status_code_text(std::uint32_t status) { return "0x" + hex_text(status); }

// An SSH endpoint object is written once anything of it is known.
inline bool is_known(const app::SshEndpoint& endpoint) {
  return !endpoint.proto_version.empty() || !endpoint.software_version.empty() ||
         endpoint.hassh.has_value();
}

}  // namespace mld::output
