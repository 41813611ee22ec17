#pragma once
// Application classification with nDPI (Debian libndpi, 4.2). One engine per
// worker thread (nDPI's module is not thread-safe to use concurrently); a
// flow's nDPI state exists only from its first payload packet until nDPI has
// decided, and is freed then (DESIGN.md).
#include <cstdint>
#include <string>
#include <string_view>

#include "decode/packet_view.h"
#include "flow/flow_record.h"

struct ndpi_detection_module_struct;
struct ndpi_flow_struct;

namespace mld::app {

// nDPI's verdict on a flow, kept after its state is freed.
struct NdpiVerdict {
  std::string name;      // "TLS.YouTube", "DNS", "Unknown"
  std::string category;  // "Media", ...
  std::string host;      // nDPI's own host/SNI extraction ("" if none)
  std::uint64_t risks = 0;
  bool guessed = false;  // from ports only (nDPI gave up)
};

// The per-flow state while nDPI is deciding.
class NdpiFlow {
 public:
  NdpiFlow() = default;
  ~NdpiFlow();
  NdpiFlow(const NdpiFlow&) = delete;
  NdpiFlow& operator=(const NdpiFlow&) = delete;

  bool active() const { return state_ != nullptr; }

 private:
  friend class NdpiEngine;
  ndpi_flow_struct* state_ = nullptr;
  std::uint16_t packets_ = 0;
  // nDPI's answer to the latest packet (master, app, category), as
  // ndpiReader keeps it; "unknown" until then.
  std::uint16_t master_ = 0, app_ = 0;
  std::uint32_t category_ = 0;
};

class NdpiEngine {
 public:
  // Throws std::runtime_error when nDPI cannot be initialised.
  NdpiEngine();
  ~NdpiEngine();
  NdpiEngine(const NdpiEngine&) = delete;
  NdpiEngine& operator=(const NdpiEngine&) = delete;

  // Starts classification of a flow (allocates its nDPI state).
  void start(NdpiFlow& flow);
  // Feeds one packet of a flow being classified. Returns true when nDPI is
  // done with the flow: `verdict` is then set and the state freed.
  bool feed(NdpiFlow& flow, const decode::PacketView& packet, NdpiVerdict& verdict);
  // The flow ends before nDPI decided: gives up (nDPI guesses by port, as
  // ndpiReader does), sets `verdict` and frees the state.
  void conclude(NdpiFlow& flow, NdpiVerdict& verdict);
  // A flow that never carried payload (a scan probe, a refused connection,
  // ICMP): nDPI's guess from protocol, ports and addresses, as ndpiReader
  // gives for it, without allocating any state.
  void guess(const flow::FlowIdentity& flow, NdpiVerdict& verdict);

  // Bytes of one nDPI flow state (the fixed part; protocol dissectors may
  // allocate a little more for the flow while it is classified).
  static std::size_t flow_state_bytes();

 private:
  void decide(NdpiFlow& flow, bool gave_up, NdpiVerdict& verdict);

  ndpi_detection_module_struct* module_ = nullptr;
};

// nDPI's name of risk bit `bit` ("Known Proto on Non Std Port", ...).
std::string_view risk_name(unsigned bit);
inline constexpr unsigned kRiskBits = 64;

}  // namespace mld::app
