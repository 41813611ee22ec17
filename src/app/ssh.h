#pragma once
// SSH (RFC 4253): the identification line of each side and its first
// SSH_MSG_KEXINIT, which give proto_version, software_version and the hassh
// fingerprints (MD5 of "kex;ciphers;macs;compression" as the side offers
// them: client-to-server lists for the client, server-to-client lists for the
// server). One SshEvent per flow, once both sides have sent their KEXINIT (or
// can no longer), or at the end of the flow when a banner was seen; after it
// the dissector wants no more bytes: everything after the key exchange is
// encrypted.
//
// The forward direction is the client. Memory per flow is bounded: each
// direction holds one line (kMaxLineBytes) or one KEXINIT packet
// (kMaxPacketLength + 4 bytes) at a time; other packets are skipped by count.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "app/app_counters.h"
#include "app/dissector.h"

namespace mld::app {

namespace ssh {
// An identification or pre-banner line, CR LF included (RFC 4253 section 4.2).
inline constexpr std::size_t kMaxLineBytes = 255;
// Lines a server may send before its identification (RFC 4253 allows "other lines").
inline constexpr int kMaxLinesBeforeBanner = 8;
// packet_length above this is malformed (RFC 4253 section 6.1: 35000 bytes must be handled).
inline constexpr std::uint32_t kMaxPacketLength = 35000;
// Binary packets (SSH_MSG_IGNORE, DEBUG, ...) tolerated before the KEXINIT.
inline constexpr int kMaxPacketsBeforeKexinit = 8;
}  // namespace ssh

std::unique_ptr<Dissector> make_ssh_dissector(AppCounters& counters);

}  // namespace mld::app
