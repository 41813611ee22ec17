#pragma once
// Counters of one FlowTracker (one worker thread).
#include "common/counter.h"
#include "flow/flow_record.h"

namespace mld::flow {

struct FlowCounters {
  Counter packets;
  Counter bytes;
  Counter flows_created;
  Counter continuations;  // CIC flows that continue a timed-out TCP flow
  Counter ended[kEndReasonCount];
  Counter tombstones_expired;  // older than flow.tcp-continuation-memory
  Counter tombstones_evicted;  // tombstone table full
  Counter timestamps_clamped;  // packet older than this worker's clock
  Counter active_flows;        // flows in the table now
};

}  // namespace mld::flow
