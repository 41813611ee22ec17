#pragma once
// Mnemonics of DNS record types and response codes, as Suricata writes them
// in its "dns" events; a code without a mnemonic is written as its number.
#include <cstdint>
#include <string>

namespace mld::app::dns {

// "A", "AAAA", "HTTPS", ... or "65280".
std::string rrtype_name(std::uint16_t rrtype);

// The 4-bit RCODE of the header: "NOERROR", "NXDOMAIN", ... or "12".
std::string rcode_name(std::uint8_t rcode);

}  // namespace mld::app::dns
