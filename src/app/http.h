#pragma once
// The HTTP/1.x dissector (Suricata's "http" events): one HttpEvent per
// request/response pair.
//
// Each direction is cut into messages by an http::MessageReader
// (app/http_stream.h). Which side is the client is read from the traffic:
// the side whose first start line is "HTTP/..." is the server, so a capture
// that starts with a response works. Requests wait in order for their
// responses (pipelining); a pair is emitted when the response's body ends.
// 1xx responses other than 101 are interim and end nothing. A request still
// waiting when the flow ends, or once the server side cannot be read any
// more, is emitted alone; a response with no request seen is emitted alone.
//
// Hostile or broken input:
//  - a start line that is not HTTP (or both sides speaking the same role):
//    http_malformed, both directions stop (wants_more() false);
//  - a header line without a colon: http_malformed, the line is skipped;
//  - a body whose end cannot be found (bad Content-Length, bad chunk): that
//    direction stops (http_malformed);
//  - a head over http::kMaxHeadBytes: http_oversized_headers, the message's
//    event is emitted with what was read, and that direction stops (no
//    attempt to find the next message);
//  - a gap: skipped when it lies inside a body of known extent (the bytes
//    count towards `length`), otherwise that direction stops;
//  - 101 Switching Protocols, or a 2xx answer to CONNECT: the pair is
//    emitted and both directions stop (what follows is another protocol).
// wants_more() turns false once both directions stopped.
//
// Memory per flow: two readers (each at most http::kMaxHeadBytes of line)
// and at most kMaxPendingHttpRequests waiting requests of capped text;
// requests beyond that are counted in events_truncated and their responses
// are emitted alone.
#include <cstddef>
#include <memory>

#include "app/app_counters.h"
#include "app/dissector.h"

namespace mld::app {

inline constexpr std::size_t kMaxPendingHttpRequests = 16;

std::unique_ptr<Dissector> make_http_dissector(AppCounters& counters);

}  // namespace mld::app
