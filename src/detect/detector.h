#pragma once
// Every detector ML Defender runs, with what its alerts say: Suricata-style
// signature id and text, the classtype-like alert category, the short
// category written in flow records' `detection`, and the severity (1 = high).
// One list, so the writers, the docs and the reasons bitmask agree.
#include <cstdint>
#include <string_view>

namespace mld::detect {

// X(name, signature_id, category, signature, alert_category, severity)
#define MLD_DETECTORS(X)                                                                      \
  X(scan_vertical, 9100001, "scan", "ML Defender SCAN vertical port scan",                    \
    "Detection of a Network Scan", 2)                                                         \
  X(scan_horizontal, 9100002, "scan", "ML Defender SCAN horizontal port scan",                \
    "Detection of a Network Scan", 2)                                                         \
  X(scan_stealth, 9100003, "scan", "ML Defender SCAN TCP stealth probes (NULL/FIN/XMAS/ACK)", \
    "Detection of a Network Scan", 2)                                                         \
  X(flood_syn, 9100010, "dos", "ML Defender DOS SYN flood", "Attempted Denial of Service", 1) \
  X(flood_udp, 9100011, "dos", "ML Defender DOS UDP flood", "Attempted Denial of Service", 1) \
  X(flood_icmp, 9100012, "dos", "ML Defender DOS ICMP flood", "Attempted Denial of Service",  \
    1)                                                                                        \
  X(amplification, 9100013, "dos", "ML Defender DOS reflection/amplification responses",      \
    "Attempted Denial of Service", 1)                                                         \
  X(dns_tunnel, 9100020, "dns-tunnel", "ML Defender DNS tunnelling or exfiltration",          \
    "Potential Corporate Privacy Violation", 1)                                               \
  X(dga, 9100021, "dga", "ML Defender DNS algorithmically generated domains (DGA)",           \
    "A Network Trojan was detected", 2)                                                       \
  X(smb_lateral, 9100030, "lateral-movement", "ML Defender SMB one host reaching many hosts", \
    "Attempted Administrator Privilege Gain", 1)                                              \
  X(smb_admin_share, 9100031, "lateral-movement",                                             \
    "ML Defender SMB administrative share access", "Attempted Administrator Privilege Gain",  \
    2)                                                                                        \
  X(smb_remote_service, 9100032, "lateral-movement",                                          \
    "ML Defender SMB remote service creation (PsExec-style)",                                 \
    "Attempted Administrator Privilege Gain", 1)                                              \
  X(smb_ransomware, 9100033, "ransomware", "ML Defender SMB burst of file writes and renames", \
    "A Network Trojan was detected", 1)                                                       \
  X(brute_force, 9100040, "brute-force", "ML Defender brute force against a login service",   \
    "Attempted User Privilege Gain", 1)                                                       \
  X(beaconing, 9100050, "beaconing", "ML Defender periodic beaconing to one destination",     \
    "A Network Trojan was detected", 2)                                                       \
  X(ml, 9100090, "ml", "ML Defender tree-ensemble model", "Misc Attack", 2)

enum class Detector : std::uint8_t {
#define MLD_DETECTOR_ENUM(name, sid, category, signature, alert_category, severity) name,
  MLD_DETECTORS(MLD_DETECTOR_ENUM)
#undef MLD_DETECTOR_ENUM
      count
};
inline constexpr std::size_t kDetectorCount = static_cast<std::size_t>(Detector::count);

struct DetectorInfo {
  std::string_view name;  // "scan_vertical": config keys, reasons[]
  std::uint32_t signature_id;
  std::string_view category;  // flow records' detection.category
  std::string_view signature;
  std::string_view alert_category;
  std::uint8_t severity;
};

constexpr DetectorInfo detector_info(Detector detector) {
  constexpr DetectorInfo table[] = {
#define MLD_DETECTOR_INFO(name, sid, category, signature, alert_category, severity) \
  {#name, sid, category, signature, alert_category, severity},
      MLD_DETECTORS(MLD_DETECTOR_INFO)
#undef MLD_DETECTOR_INFO
  };
  return table[static_cast<std::size_t>(detector)];
}

constexpr std::uint32_t reason_bit(Detector detector) {
  return 1u << static_cast<unsigned>(detector);
}
static_assert(kDetectorCount <= 32, "DetectionSummary::reasons is 32 bits");

// Which score decided a flow's detection (DetectionSummary::authoritative).
enum class Authority : std::uint8_t { none, fast, ml, consensus };
constexpr std::string_view authority_name(Authority authority) {
  switch (authority) {
    case Authority::fast: return "fast";
    case Authority::ml: return "ml";
    case Authority::consensus: return "consensus";
    case Authority::none: break;
  }
  return "none";
}

}  // namespace mld::detect
