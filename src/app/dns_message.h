#pragma once
// One DNS message (RFC 1035 4.1) read into a DnsEvent: the header, the
// questions, the answers and the authorities. The additional section is not
// logged, so it is not read. What one message can make the event hold is
// bounded: kMaxRecordsPerSection entries per section, names of at most 255
// bytes and record text of at most kMaxRdataTextBytes.
#include <cstddef>
#include <cstdint>

#include "app/app_counters.h"
#include "app/app_event.h"
#include "app/dissector.h"

namespace mld::app::dns {

inline constexpr std::size_t kHeaderBytes = 12;
inline constexpr std::size_t kMaxRecordsPerSection = 64;
inline constexpr std::size_t kMaxRdataTextBytes = 1024;

enum class ParseResult : std::uint8_t {
  no_header,  // shorter than a header: nothing to report
  partial,    // malformed: the event holds what parsed before the fault
  complete,
};

// Fills `event` from `message` (one whole message, without the TCP length
// prefix). Counts dns_malformed (no_header and partial results),
// dns_bad_names (each bad name) and events_truncated (an entry or a text
// left out for the limits above).
ParseResult parse_dns_message(Bytes message, DnsEvent& event, AppCounters& counters);

}  // namespace mld::app::dns
