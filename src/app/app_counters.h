#pragma once
// Anomalies and drops of the application layer, per worker (written in the
// stats record under "app"). Every malformed input a dissector meets, and
// every byte the reassembler cannot keep, is counted here with a reason.
#include <cstddef>
#include <string_view>

#include "common/counter.h"

namespace mld::app {

#define MLD_APP_COUNTERS(X)                                                              \
  X(flows_inspected)        /* flows that carried payload                           */ \
  X(events)                 /* protocol events emitted                              */ \
  X(events_truncated)       /* an event cut short: lists or text over their limits   */ \
  X(ndpi_flows)             /* nDPI flow states allocated                           */ \
  X(stream_out_of_order)    /* TCP segments that arrived before their predecessors  */ \
  X(stream_retransmissions) /* TCP segments wholly before the in-order point        */ \
  X(stream_overlaps)        /* segments overlapping data already held or delivered  */ \
  X(stream_overlap_conflicts) /* overlaps whose bytes differ (first data wins)      */ \
  X(stream_gaps)            /* holes skipped: the dissector was told                */ \
  X(stream_gap_bytes)       /* bytes in those holes                                 */ \
  X(stream_memcap_drops)    /* out-of-order segments refused by the worker's memcap */ \
  X(stream_depth_reached)   /* directions that reached stream.depth                 */ \
  X(dns_malformed)          /* DNS messages that failed to parse (partial events)   */ \
  X(dns_bad_names)          /* names with loops, bad pointers or over-long labels   */ \
  X(http_malformed)         /* request/status lines or headers that failed to parse */ \
  X(http_oversized_headers) /* header blocks beyond the limit (event is partial)    */ \
  X(tls_malformed)          /* handshake messages that failed to parse              */ \
  X(tls_oversized)          /* handshake messages beyond the limit                  */ \
  X(tls_bad_certificates)   /* certificates OpenSSL could not parse                 */ \
  X(ssh_malformed)          /* banners or KEXINIT packets that failed to parse      */ \
  X(smb_malformed)          /* SMB messages that failed to parse                    */ \
  X(quic_malformed)         /* QUIC packets or frames that failed to parse          */ \
  X(quic_undecryptable)     /* Initial packets whose protection did not verify      */

struct AppCounters {
#define MLD_APP_COUNTER_FIELD(name) Counter name;
  MLD_APP_COUNTERS(MLD_APP_COUNTER_FIELD)
#undef MLD_APP_COUNTER_FIELD
};

}  // namespace mld::app
