#include "flow/lifecycle.h"

namespace mld::flow {

std::optional<FlowProfile> parse_flow_profile(std::string_view name) {
  if (name == "cic") return FlowProfile::cic;
  if (name == "nfstream") return FlowProfile::nfstream;
  return std::nullopt;
}

LifecycleRules LifecycleRules::cic(Micros timeout) {
  LifecycleRules rules;
  rules.profile = FlowProfile::cic;
  rules.clock_unit = 1;
  rules.active_limit = timeout;
  rules.idle_limit = -1;
  rules.cic_rules = true;
  return rules;
}

LifecycleRules LifecycleRules::nfstream(Micros idle_timeout, Micros active_timeout) {
  LifecycleRules rules;
  rules.profile = FlowProfile::nfstream;
  rules.clock_unit = 1000;
  // "elapsed >= T" on integers is "elapsed > T - 1".
  rules.active_limit = active_timeout / 1000 - 1;
  rules.idle_limit = idle_timeout / 1000 - 1;
  rules.cic_rules = false;
  return rules;
}

}  // namespace mld::flow
