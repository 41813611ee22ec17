#include "detect/brute_force_detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "detect/detect_keys.h"

namespace mld::detect {
namespace {

bool is_login_port(std::uint16_t port) {
  // FTP, SSH, telnet, NetBIOS, SMB, MS SQL, MySQL, RDP, PostgreSQL, VNC.
  constexpr std::array<std::uint16_t, 10> ports = {21,  22,   23,   139,  445,
                                                   1433, 3306, 3389, 5432, 5900};
  return std::find(ports.begin(), ports.end(), port) != ports.end();
}

// SMTP, POP3, IMAP and their TLS ports: mail clients poll with short
// sessions, so these need twice the attempts.
bool is_mail_port(std::uint16_t port) {
  constexpr std::array<std::uint16_t, 7> ports = {25, 110, 143, 465, 587, 993, 995};
  return std::find(ports.begin(), ports.end(), port) != ports.end();
}

bool is_login_protocol(std::string_view proto) {
  for (std::string_view name : {"SSH", "RDP", "FTP", "Telnet", "SMB", "VNC", "MySQL",
                                "PostgreSQL", "MsSQL"}) {
    if (proto.starts_with(name)) return true;
  }
  return false;
}

}  // namespace

std::uint32_t login_attempt_weight(const flow::FlowRecord& record) {
  if (record.protocol != decode::kProtoTcp) return 0;
  if (is_mail_port(record.dst_port)) return 2;
  return is_login_port(record.dst_port) || is_login_protocol(record.app.proto.view()) ? 1 : 0;
}

bool is_login_attempt(const flow::FlowRecord& record) {
  // Both sides spoke ('D', 'd'): a half-open or refused connection is no
  // login attempt (floods and scans are counted elsewhere).
  const std::string_view history = record.history_view();
  return history.find('D') != std::string_view::npos &&
         history.find('d') != std::string_view::npos &&
         record.end - record.start <= BruteForceDetector::kMaxAttemptDuration &&
         record.bytes_toserver <= BruteForceDetector::kMaxAttemptBytes &&
         record.bytes_toclient <= BruteForceDetector::kMaxAttemptBytes;
}

void BruteForceDetector::on_flow_end(BruteForceState& state, Firing& firing,
                                     const flow::FlowRecord& record, DetectContext& context) {
  const std::uint32_t weight = login_attempt_weight(record);
  if (weight == 0 || !is_login_attempt(record)) return;
  const BruteForceOptions& options = context.options.brute_force;
  const std::uint64_t key = combine_key(host_key(record.dst_ip), record.dst_port);
  auto it = state.services.find(key);
  if (it == state.services.end()) {
    if (state.services.size() >= kMaxServicesPerSource) {
      // Make room: forget the services whose window has closed.
      std::erase_if(state.services, [&](const auto& entry) {
        return entry.second.window.elapsed(record.start) >= options.window;
      });
      if (state.services.size() >= kMaxServicesPerSource) {
        context.stats.set_overflows += 1;
        return;
      }
    }
    it = state.services.emplace(key, ServiceAttempts{}).first;
  }
  ServiceAttempts& service = it->second;
  if (service.window.restart_if_over(record.start, options.window)) service.attempts = 0;
  service.attempts += 1;
  const std::uint32_t needed = options.attempts * weight;
  if (service.attempts < needed) return;
  Match match;
  match.detector = Detector::brute_force;
  const flow::FlowIdentity flow = record.identity();
  match.flow = &flow;
  match.source = record.src_ip;
  match.target = record.dst_ip;
  match.target_port = record.dst_port;
  match.time = record.end;
  match.score = context.score(service.attempts, needed);
  match.evidence = service.attempts;
  match.detail = fmt::format("{} short sessions to {} port {} in {} s", service.attempts,
                             record.dst_ip.to_string(record.ip_version), record.dst_port,
                             service.window.elapsed(record.start) / kMicrosPerSecond);
  context.fire(firing, options.window, std::move(match));
}

void BruteForceDetector::score_flow(const Firing& firing, const flow::FlowRecord& record,
                                    Micros now, const DetectOptions& options, FastScore& score) {
  if (login_attempt_weight(record) == 0 || !is_login_attempt(record)) return;
  score.add(Detector::brute_force, firing.score(Detector::brute_force, now), options.alert_score);
}

}  // namespace mld::detect
