#pragma once
// A worker-local listener on the packets of each flow: how the application
// layer (src/app) sees payload without the flow layer knowing of it. Called
// on the tracker's thread only, so per-flow state kept by slot needs no lock.
#include <cstdint>

#include "decode/packet_view.h"
#include "flow/direction.h"
#include "flow/flow.h"
#include "flow/flow_record.h"

namespace mld::flow {

class FlowObserver {
 public:
  virtual ~FlowObserver() = default;
  // Each packet of the flow in `slot`, the first one included, after the
  // tracker counted it.
  virtual void on_packet(std::uint32_t slot, const Flow& flow, Direction side,
                         const decode::PacketView& packet) = 0;
  // The flow in `slot` ends: add what the observer learned to `record` and
  // forget the slot (it will be reused by another flow).
  virtual void on_flow_end(std::uint32_t slot, const Flow& flow, FlowRecord& record) = 0;
};

}  // namespace mld::flow
