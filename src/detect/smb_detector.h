#pragma once
// SMB lateral movement and ransomware spread, per client: many SMB servers
// reached (TCP 445/139), tree connects to administrative shares (ADMIN$, C$
// and other drive shares), remote service or task creation (the svcctl or
// atsvc pipe together with an administrative share or an executable
// written, or a PSEXESVC file: PsExec and its clones), and bursts of file
// writes and renames (SMB WRITE, SET_INFO / RENAME commands).
#include <cstdint>

#include "app/app_event.h"
#include "detect/detect_context.h"
#include "detect/flow_opened.h"

namespace mld::detect {

struct SmbState {
  explicit SmbState(const SmbOptions& options);

  Window window;
  CappedSet servers;  // distinct SMB servers reached
  bool admin_share = false;
  bool executable_written = false;
  bool service_pipe = false;
  std::uint32_t writes_and_renames = 0;
};

class SmbDetector {
 public:
  static void on_opened(SmbState& state, Firing& firing, const FlowOpened& event,
                        DetectContext& context);
  static void on_event(SmbState& state, Firing& firing, const app::SmbEvent& smb,
                       const flow::FlowIdentity& flow, Micros now, DetectContext& context);
  static void score_flow(const Firing& firing, const flow::FlowIdentity& flow, Micros now,
                         const DetectOptions& options, FastScore& score);
};

bool is_smb_port(std::uint16_t port);

}  // namespace mld::detect
