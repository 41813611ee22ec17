#pragma once
// When flows end and which way they face: the `--flow-profile` semantics as
// data, so that one tracker serves every profile.
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/time.h"

namespace mld::flow {

enum class FlowProfile : std::uint8_t { cic, nfstream };
std::optional<FlowProfile> parse_flow_profile(std::string_view name);

struct LifecycleRules {
  FlowProfile profile = FlowProfile::cic;
  // Timestamps are truncated to this unit before timeouts are compared
  // (NFStream works in whole milliseconds).
  Micros clock_unit = 1;
  // A flow ends once (now - start), in clock units, exceeds active_limit, or
  // (now - last) exceeds idle_limit (negative: no idle timeout).
  std::int64_t active_limit = 0;
  std::int64_t idle_limit = -1;
  // CIC semantics (spec 3.2-3.5): TCP close state machine with trailing
  // packets, SYN-ACK-first orientation, continuation after timeout, ICMP split.
  bool cic_rules = false;

  // spec 3.1: ends strictly after `timeout` from the first packet.
  static LifecycleRules cic(Micros timeout);
  // NFStream: idle >= idle_timeout or active >= active_timeout, in ms.
  static LifecycleRules nfstream(Micros idle_timeout, Micros active_timeout);
};

}  // namespace mld::flow
