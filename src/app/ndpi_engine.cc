#include "app/ndpi_engine.h"

#include <ndpi/ndpi_api.h>

#include <cstring>
#include <mutex>
#include <stdexcept>

namespace mld::app {
namespace {

// What ndpiReader does (nDPI's example/reader_util.c): a flow that has not
// been decided after this many packets gets nDPI's best guess.
constexpr std::uint16_t kMaxTcpPackets = 80;
constexpr std::uint16_t kMaxUdpPackets = 24;

std::uint64_t millis(Micros t) { return static_cast<std::uint64_t>(t / 1000); }

// nDPI 4.2 initialises libgcrypt inside ndpi_init_detection_module without a
// guard: workers creating their engines at the same moment abort in
// libgcrypt (about one run in 60 with three workers). One at a time, then.
ndpi_detection_module_struct* new_detection_module() {
  static std::mutex initialising;
  const std::lock_guard lock(initialising);
  ndpi_detection_module_struct* module = ndpi_init_detection_module(ndpi_no_prefs);
  if (module == nullptr) throw std::runtime_error("nDPI: cannot initialise its detection module");
  NDPI_PROTOCOL_BITMASK all;
  NDPI_BITMASK_SET_ALL(all);
  ndpi_set_protocol_detection_bitmask2(module, &all);
  ndpi_finalize_initialization(module);
  return module;
}

}  // namespace

NdpiFlow::~NdpiFlow() {
  if (state_ != nullptr) ndpi_free_flow(state_);
}

NdpiEngine::NdpiEngine() : module_(new_detection_module()) {}

NdpiEngine::~NdpiEngine() { ndpi_exit_detection_module(module_); }

std::size_t NdpiEngine::flow_state_bytes() { return SIZEOF_FLOW_STRUCT; }

void NdpiEngine::start(NdpiFlow& flow) {
  if (flow.state_ != nullptr) return;
  void* memory = ndpi_flow_malloc(SIZEOF_FLOW_STRUCT);
  if (memory == nullptr) throw std::bad_alloc();
  std::memset(memory, 0, SIZEOF_FLOW_STRUCT);
  flow.state_ = static_cast<ndpi_flow_struct*>(memory);
  flow.packets_ = 0;
  flow.master_ = flow.app_ = NDPI_PROTOCOL_UNKNOWN;
  flow.category_ = NDPI_PROTOCOL_CATEGORY_UNSPECIFIED;
}

bool NdpiEngine::feed(NdpiFlow& flow, const decode::PacketView& packet, NdpiVerdict& verdict) {
  if (flow.state_ == nullptr || packet.ip_packet == nullptr) return false;
  const auto length =
      static_cast<unsigned short>(std::min<std::uint32_t>(packet.captured_ip_length, 0xffff));
  const ndpi_protocol found = ndpi_detection_process_packet(module_, flow.state_, packet.ip_packet,
                                                            length, millis(packet.timestamp));
  ++flow.packets_;
  flow.master_ = found.master_protocol;
  flow.app_ = found.app_protocol;
  flow.category_ = found.category;
  const std::uint16_t limit = packet.is_tcp() ? kMaxTcpPackets : kMaxUdpPackets;
  const bool enough = flow.packets_ > limit;
  const bool known = found.app_protocol != NDPI_PROTOCOL_UNKNOWN;
  if (!enough && !known) return false;
  // Known, but more packets would add metadata nDPI reports (certificates...).
  if (!enough && ndpi_extra_dissection_possible(module_, flow.state_)) return false;
  decide(flow, /*gave_up=*/!known, verdict);
  return true;
}

void NdpiEngine::conclude(NdpiFlow& flow, NdpiVerdict& verdict) {
  if (flow.state_ != nullptr) decide(flow, /*gave_up=*/true, verdict);
}

void NdpiEngine::guess(const flow::FlowIdentity& flow, NdpiVerdict& verdict) {
  const auto host_order = [&](const decode::IpAddress& address) -> std::uint32_t {
    if (flow.ip_version != decode::IpVersion::v4) return 0;  // nDPI guesses IPv4 hosts only
    const std::uint8_t* b = address.v4_bytes();
    return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
  };
  const ndpi_protocol protocol = ndpi_guess_undetected_protocol(
      module_, nullptr, flow.protocol, host_order(flow.src_ip), flow.src_port,
      host_order(flow.dst_ip), flow.dst_port);
  char name[64];
  verdict.name = ndpi_protocol2name(module_, protocol, name, sizeof name);
  verdict.category = ndpi_category_get_name(module_, protocol.category);
  verdict.host.clear();
  verdict.risks = 0;
  verdict.guessed = true;
}

void NdpiEngine::decide(NdpiFlow& flow, bool gave_up, NdpiVerdict& verdict) {
  ndpi_flow_struct* state = flow.state_;
  ndpi_protocol protocol{flow.master_, flow.app_,
                         static_cast<ndpi_protocol_category_t>(flow.category_)};
  verdict.guessed = false;
  if (gave_up) {
    std::uint8_t guessed = 0;
    protocol = ndpi_detection_giveup(module_, state, /*enable_guess=*/1, &guessed);
    verdict.guessed = guessed != 0;
  }
  char name[64];
  verdict.name = ndpi_protocol2name(module_, protocol, name, sizeof name);
  verdict.category = ndpi_category_get_name(module_, protocol.category);
  verdict.host.assign(state->host_server_name,
                      strnlen(state->host_server_name, sizeof state->host_server_name));
  verdict.risks = state->risk;
  ndpi_free_flow(state);
  flow.state_ = nullptr;
}

std::string_view risk_name(unsigned bit) {
  if (bit >= NDPI_MAX_RISK) return {};
  return ndpi_risk2str(static_cast<ndpi_risk_enum>(bit));
}

}  // namespace mld::app
