#pragma once
// STARTTLS: the clear-text start of SMTP, IMAP, POP3 and FTP sessions, read up
// to an accepted upgrade (SMTP and IMAP STARTTLS, POP3 STLS, FTP AUTH TLS or
// AUTH SSL). From the server's positive reply on, the TLS dissector reads both
// directions, so an upgraded session gives the usual TLS event (hellos,
// fingerprints, certificate), as Suricata and Zeek log it.
//
// The server speaks first (its greeting picks the dissector, see
// dissector_choice.cc); the other side is the client. Nothing is logged of
// the clear-text part. The dissector wants no more bytes once the server
// refuses the upgrade, after kStartTlsMaxClientLines client lines without
// one, at a line longer than kStartTlsMaxLine, or at a gap (lines can no
// longer be told apart).
//
// Memory per flow: one partial line per direction (kStartTlsMaxLine at most)
// and the client bytes sent after its upgrade command but read before the
// server's reply (kStartTlsMaxEarlyBytes at most); all of it is released at
// the upgrade, after which the TLS dissector's own limits hold.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "app/app_counters.h"
#include "app/dissector.h"

namespace mld::app {

enum class StartTlsProtocol : std::uint8_t { smtp, imap, pop3, ftp };

// RFC 5321 allows 1,000-byte text lines; IMAP servers' capability lines are longer.
inline constexpr std::size_t kStartTlsMaxLine = 4096;
inline constexpr std::size_t kStartTlsMaxClientLines = 64;
// A ClientHello, post-quantum key shares included, fits with room to spare.
inline constexpr std::size_t kStartTlsMaxEarlyBytes = 16 * 1024;

std::unique_ptr<Dissector> make_starttls_dissector(StartTlsProtocol protocol,
                                                   AppCounters& counters);

}  // namespace mld::app
