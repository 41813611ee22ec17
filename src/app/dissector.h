#pragma once
// The interface every application dissector implements. A dissector sees one
// flow, both directions, on the flow's worker thread only. TCP dissectors get
// the reassembled, in-order bytes of each direction (in chunks of any size,
// split anywhere); UDP dissectors get one datagram per call. Each keeps only
// bounded buffers of its own (see its header), so memory per flow is bounded
// whatever the input.
#include <cstdint>
#include <span>
#include <string_view>

#include "app/app_event.h"
#include "common/time.h"
#include "flow/direction.h"

namespace mld::app {

// Where a dissector delivers its events.
class EventOut {
 public:
  virtual ~EventOut() = default;
  // `side`: direction of the bytes that completed the event; `timestamp`: their packet time.
  virtual void emit(flow::Direction side, Micros timestamp, AppEventBody body) = 0;
};

using Bytes = std::span<const std::uint8_t>;

// The same bytes seen as text (no copy, no validation).
inline std::string_view as_text(Bytes bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

enum class Transport : std::uint8_t { tcp, udp };

class Dissector {
 public:
  virtual ~Dissector() = default;
  // In-order stream bytes (TCP) or one whole datagram (UDP) of direction `side`.
  virtual void on_data(flow::Direction side, Micros timestamp, Bytes data, EventOut& out) = 0;
  // TCP: `length` bytes of direction `side` were lost before the next on_data.
  // A dissector resynchronises if it can or stops (wants_more() false).
  virtual void on_gap(flow::Direction side, std::uint64_t length) = 0;
  // The flow ends: emit what is still pending (a request that got no response).
  virtual void on_flow_end(Micros timestamp, EventOut& out) = 0;
  // False once this dissector needs no more bytes of the flow (TLS after the
  // certificate, SSH after both key exchange inits); the flow's reassembly
  // may then be freed.
  virtual bool wants_more() const = 0;
  // The flow's host name for `app_host` (DNS query name, HTTP Host, TLS or
  // QUIC SNI); empty while unknown.
  virtual std::string_view host() const = 0;
};

}  // namespace mld::app
