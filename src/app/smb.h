#pragma once
// SMB over TCP (port 445, and 139 after its NetBIOS session request): the
// NetBIOS session service framing, SMB2/3 headers (compounded requests
// included) and a cheap subset of SMB1 (NEGOTIATE, SESSION_SETUP_ANDX,
// TREE_CONNECT_ANDX, NT_CREATE_ANDX; other commands by header only). One
// SmbEvent per transaction: a request paired with its response (by SMB2
// MessageId, or SMB1 PID and MID), emitted at the response; requests still
// unanswered are emitted at the end of the flow, or when the table of
// outstanding requests is full (the oldest first). Event ids number the
// transactions in the order their requests (or lone responses) were seen, so
// they may be written out of order. Encrypted (SMB3 transform) and compressed
// messages are skipped.
//
// Either side may be the client: requests and responses are told apart by
// the header's response flag. Memory per flow is bounded: each direction
// buffers at most kMaxMessageBytes of one message (the rest of a longer one,
// READ or WRITE data, is skipped by count); at most kMaxPendingRequests
// transactions (each with one name or one SMB1 dialect list) and kMaxTrees
// connected share names are kept, each name cut at kMaxNameUnits UTF-16 code
// units (counted in events_truncated): under 200 KiB in all at worst.
#include <cstddef>
#include <memory>

#include "app/app_counters.h"
#include "app/dissector.h"

namespace mld::app {

namespace smb {
inline constexpr std::size_t kMaxMessageBytes = 16 * 1024;
inline constexpr std::size_t kMaxPendingRequests = 64;
inline constexpr std::size_t kMaxTrees = 32;
inline constexpr std::size_t kMaxNameUnits = 512;
// Dialect strings kept of an SMB1 NEGOTIATE request (to name the one chosen),
// each cut at kMaxSmb1DialectBytes (they are like "NT LM 0.12").
inline constexpr std::size_t kMaxSmb1Dialects = 16;
inline constexpr std::size_t kMaxSmb1DialectBytes = 32;
}  // namespace smb

std::unique_ptr<Dissector> make_smb_dissector(AppCounters& counters);

}  // namespace mld::app
