#pragma once
// The live state of one flow, owned by exactly one worker thread for its whole
// life. Kept compact: it is the per-flow memory cost of the sensor. (The CIC
// statistics, when on, live beside it: FlowTracker keeps them per slot.)
#include <cstdint>

#include "common/time.h"
#include "flow/conn_tracker.h"
#include "flow/direction.h"
#include "flow/flow_identity.h"
#include "flow/flow_key.h"
#include "flow/slot_table.h"

namespace mld::flow {

// spec 3.3: the CIC TCP close state machine.
enum class CicTcpState : std::uint8_t { open, first_fin, second_fin, ready };

struct Flow {
  Micros last() const { return start + elapsed; }

  FlowKey key;
  std::uint32_t hash_next;  // owned by SlotTable
  SlotLinks by_activity;    // least recently active first (idle timeout, eviction)
  SlotLinks by_start;       // oldest first (active timeout)

  Micros start;
  Micros chain_start;  // first packet of the first flow of a TCP continuation chain
  std::uint32_t elapsed;  // last packet - start (a flow never outlives kMaxFlowSpan)
  std::uint64_t packets[2];
  std::uint64_t bytes[2];
  ConnTracker conn;

  std::uint32_t tunnel_id;  // of the first packet (e.g. GTP-U TEID)
  std::uint16_t input_index;
  std::int16_t first_icmp_type;
  std::int16_t first_icmp_code;
  std::uint8_t tunnel_depth;
  bool forward_is_lower;  // the forward endpoint is the key's lower endpoint
  CicTcpState cic_state;
  bool fin_forward;  // non-first FIN seen per direction (spec 3.2)
  bool fin_backward;
};

// The flow's id and oriented endpoints, as its record and events carry them.
FlowIdentity identity_of(const Flow& flow);

// What a CIC TCP flow leaves behind when it times out (spec 3.7), so that the
// next packet of its key continues it in the same orientation.
struct Tombstone {
  FlowKey key;
  std::uint32_t hash_next;  // owned by SlotTable
  SlotLinks by_age;
  Micros ended_at;
  Micros chain_start;
  bool forward_is_lower;
  bool was_ready;
};

}  // namespace mld::flow
