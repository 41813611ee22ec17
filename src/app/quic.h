#pragma once
// The QUIC dissector (UDP): finds the client's first handshake message in its
// Initial packets and reports one "quic" event per flow with the version, the
// SNI, the user agent and the JA3/JA4 fingerprints of the ClientHello.
//
// IETF QUIC (v1, v2, drafts, mvfst) and Google's T05x/Q050 protect Initial
// packets with keys anyone can derive (quic_initial.h): the dissector removes
// the protection, gathers the CRYPTO frames (coalesced packets, frames out of
// order within and across packets) and parses the ClientHello with the TLS
// dissector's parser. Google QUIC Q024-Q046 sends its CHLO in the clear.
// quic_version.h lists the versions read.
//
// The client is the side of the first Initial (or gQUIC client) packet; the
// other side's packets are not read. The event is emitted when the hello is
// complete. Otherwise, when such a packet was seen, it is emitted at flow end
// or after quic::kMaxDatagrams datagrams, with the version and whatever else
// is known. After that wants_more() is false. host() is the SNI.
//
// Memory per flow: the reassembled handshake stream (at most
// quic::CryptoStream::kMaxBytes = 64 KiB plus one bit per byte), one set of
// Initial keys and the event's fields; freed when the event is emitted.
//
// Counters: quic_malformed (headers or frames that do not parse, a stream
// that does not start with a hello), quic_undecryptable (Initial packets
// whose protection does not verify), tls_malformed (a ClientHello the TLS
// parser rejects: the event keeps what was read, without fingerprints),
// tls_oversized (a first handshake message over 64 KiB).
#include <memory>

#include "app/app_counters.h"
#include "app/dissector.h"

namespace mld::app {

namespace quic {
// Datagrams read (both sides) before a flow whose hello never completes is
// reported with what is known: a client that started mid-capture, or noise.
inline constexpr int kMaxDatagrams = 64;
}  // namespace quic

std::unique_ptr<Dissector> make_quic_dissector(AppCounters& counters);

}  // namespace mld::app
