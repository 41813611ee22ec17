#pragma once
// The TLS dissector (over TCP). From the client's ClientHello: SNI, ALPNs,
// JA3, JA4; from the server's ServerHello: version, JA3S, ALPN; from its
// Certificate (TLS <= 1.2, where it is plaintext): the leaf certificate's
// fields. One TlsEvent per flow, emitted as soon as nothing more can be
// learnt: at the server's Certificate, at a ServerHello that selects TLS 1.3
// (its certificates are encrypted), at the first ChangeCipherSpec or
// application data after a hello, or at the flow's end when only a
// ClientHello was seen. After it the dissector wants no more bytes.
//
// Memory per flow: one handshake message per direction, at most
// kTlsMaxHandshakeMessage bytes (larger ones count tls_oversized and end the
// dissection with a partial event), plus the event itself; the buffers are
// released once the event is out.
//
// Gaps: one that falls inside a record body skipped anyway (application data,
// alerts) is stepped over; any other ends that direction's dissection (with
// both directions lost, the event waits for the flow's end).
//
// Hostile input: records that are not TLS (or SSLv2, not supported), and
// handshake messages that do not parse, count tls_malformed; certificates
// OpenSSL rejects count tls_bad_certificates. Either way the fields found so
// far are emitted.
#include <cstddef>
#include <memory>

#include "app/app_counters.h"
#include "app/dissector.h"

namespace mld::app {

inline constexpr std::size_t kTlsMaxHandshakeMessage = 64 * 1024;
// ALPN names kept per side in the event (events_truncated beyond).
inline constexpr std::size_t kTlsMaxAlpnsInEvent = 32;

std::unique_ptr<Dissector> make_tls_dissector(AppCounters& counters);

}  // namespace mld::app
