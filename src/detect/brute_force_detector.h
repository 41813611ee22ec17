#pragma once
// Brute force against a login service: many short sessions from one source
// to one (target, port) of SSH, RDP, FTP, telnet, SMB, mail, database or VNC
// (or a flow nDPI recognised as one of those on another port). A login
// attempt is a TCP flow where both sides sent data, short and small;
// real sessions (long, or moving data) do not count. Web logins are left
// out: over TLS nothing tells a failed login from a short page load.
#include <cstdint>
#include <unordered_map>

#include "detect/detect_context.h"
#include "flow/flow_record.h"

namespace mld::detect {

struct ServiceAttempts {
  Window window;
  std::uint32_t attempts = 0;
};

struct BruteForceState {
  std::unordered_map<std::uint64_t, ServiceAttempts> services;  // by (target, port)
};

class BruteForceDetector {
 public:
  static constexpr std::size_t kMaxServicesPerSource = 16;
  static constexpr Micros kMaxAttemptDuration = 30 * kMicrosPerSecond;
  static constexpr std::uint64_t kMaxAttemptBytes = 64 * 1024;  // each direction

  static void on_flow_end(BruteForceState& state, Firing& firing,
                          const flow::FlowRecord& record, DetectContext& context);
  static void score_flow(const Firing& firing, const flow::FlowRecord& record, Micros now,
                         const DetectOptions& options, FastScore& score);
};

// How many attempts times the threshold this service needs: 1 for login
// services, 2 for mail (clients poll), 0 when the flow is not a login.
std::uint32_t login_attempt_weight(const flow::FlowRecord& record);
bool is_login_attempt(const flow::FlowRecord& record);

}  // namespace mld::detect
