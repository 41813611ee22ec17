#include "detect/smb_detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "detect/detect_keys.h"

namespace mld::detect {
namespace {

std::string upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

// The share's last path component: "\\\\host\\ADMIN$" -> "ADMIN$".
std::string share_name(std::string_view share) {
  const auto slash = share.find_last_of('\\');
  return upper(slash == std::string_view::npos ? share : share.substr(slash + 1));
}

bool is_admin_share(std::string_view share) {
  const std::string name = share_name(share);
  return name == "ADMIN$" ||
         (name.size() == 2 && name[1] == '$' && std::isalpha(static_cast<unsigned char>(name[0])));
}

// The file name's last component, upper case: "temp\\x.exe" -> "X.EXE".
std::string base_name(std::string_view filename) {
  const auto slash = filename.find_last_of("\\/");
  return upper(slash == std::string_view::npos ? filename : filename.substr(slash + 1));
}

bool is_write_or_rename(std::string_view command) {
  return command == "SMB2_COMMAND_WRITE" || command == "SMB2_COMMAND_SET_INFO" ||
         command == "SMB1_COMMAND_WRITE" || command == "SMB1_COMMAND_WRITE_ANDX" ||
         command == "SMB1_COMMAND_WRITE_AND_CLOSE" || command == "SMB1_COMMAND_RENAME" ||
         command == "SMB1_COMMAND_NT_RENAME";
}

bool is_create(std::string_view command) {
  return command == "SMB2_COMMAND_CREATE" || command == "SMB1_COMMAND_NT_CREATE_ANDX";
}

Match client_match(Detector detector, const flow::FlowIdentity& flow, Micros now, float score,
                   std::string detail) {
  Match match;
  match.detector = detector;
  match.flow = &flow;
  match.source = flow.src_ip;
  match.target = flow.dst_ip;
  match.time = now;
  match.score = score;
  match.detail = std::move(detail);
  return match;
}

void restart_window(SmbState& state, Micros now, const SmbOptions& options) {
  if (!state.window.restart_if_over(now, options.window)) return;
  state.servers.clear();
  state.admin_share = state.executable_written = state.service_pipe = false;
  state.writes_and_renames = 0;
}

}  // namespace

SmbState::SmbState(const SmbOptions& options)
    : servers(std::max<std::size_t>(16, 4 * std::size_t{options.lateral_hosts})) {}

bool is_smb_port(std::uint16_t port) { return port == 445 || port == 139; }

void SmbDetector::on_opened(SmbState& state, Firing& firing, const FlowOpened& event,
                            DetectContext& context) {
  if (event.flow.protocol != decode::kProtoTcp || !is_smb_port(event.flow.dst_port)) return;
  const SmbOptions& options = context.options.smb;
  restart_window(state, event.timestamp, options);
  if (context.insert(state.servers, host_key(event.flow.dst_ip)) != InsertResult::inserted) return;
  const auto servers = static_cast<std::uint32_t>(state.servers.size());
  if (servers < options.lateral_hosts) return;
  Match match = client_match(Detector::smb_lateral, event.flow, event.timestamp,
                             context.score(servers, options.lateral_hosts),
                             fmt::format("{} SMB servers reached in {} s", servers,
                                         state.window.elapsed(event.timestamp) /
                                             kMicrosPerSecond));
  match.target = {};  // many
  match.target_port = event.flow.dst_port;
  match.evidence = servers;
  context.fire(firing, options.window, std::move(match));
}

void SmbDetector::on_event(SmbState& state, Firing& firing, const app::SmbEvent& smb,
                           const flow::FlowIdentity& flow, Micros now, DetectContext& context) {
  const SmbOptions& options = context.options.smb;
  restart_window(state, now, options);
  const double alert = context.options.alert_score;
  if (smb.command.ends_with("TREE_CONNECT") || smb.command.ends_with("TREE_CONNECT_ANDX")) {
    if (is_admin_share(smb.share) && smb.status != "STATUS_ACCESS_DENIED") {
      state.admin_share = true;
      context.fire(firing, options.window,
                   client_match(Detector::smb_admin_share, flow, now,
                                detector_score(1, 1, alert),
                                fmt::format("tree connect to {}", smb.share)));
    }
  }
  if (is_create(smb.command) && !smb.filename.empty()) {
    const std::string name = base_name(smb.filename);
    const bool psexec = name.starts_with("PSEXESVC");
    if (name.ends_with(".EXE") && (state.admin_share || psexec)) state.executable_written = true;
    const bool task_pipe = name == "ATSVC";
    if (name == "SVCCTL" || task_pipe) state.service_pipe = true;
    // Service control alone is everyday remote administration; with an
    // administrative share or an executable dropped it is PsExec's pattern.
    if (psexec || task_pipe ||
        (state.service_pipe && (state.admin_share || state.executable_written))) {
      context.fire(firing, options.window,
                   client_match(Detector::smb_remote_service, flow, now,
                                detector_score(psexec ? 2 : 1, 1, alert),
                                fmt::format("{} on {} (service pipe {}, executable {})",
                                            smb.filename, smb.share,
                                            state.service_pipe ? "yes" : "no",
                                            state.executable_written ? "yes" : "no")));
    }
  }
  if (is_write_or_rename(smb.command) &&
      ++state.writes_and_renames >= options.ransomware_operations) {
    Match match = client_match(Detector::smb_ransomware, flow, now,
                               context.score(state.writes_and_renames,
                                             options.ransomware_operations),
                               fmt::format("{} SMB writes and renames in {} s",
                                           state.writes_and_renames,
                                           state.window.elapsed(now) / kMicrosPerSecond));
    match.evidence = state.writes_and_renames;
    context.fire(firing, options.window, std::move(match));
  }
}

void SmbDetector::score_flow(const Firing& firing, const flow::FlowIdentity& flow, Micros now,
                             const DetectOptions& options, FastScore& score) {
  if (!is_smb_port(flow.dst_port)) return;
  for (Detector detector : {Detector::smb_lateral, Detector::smb_admin_share,
                            Detector::smb_remote_service, Detector::smb_ransomware}) {
    score.add(detector, firing.score(detector, now), options.alert_score);
  }
}

}  // namespace mld::detect
