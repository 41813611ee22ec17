#include "output/protobuf_detection.h"

#include <mldefender/events/v1/events.pb.h>  // generated, in the build tree

#include <string>

#include "output/detection_fields.h"
#include "output/stack_text.h"

namespace mld::output {
namespace {

namespace pb = mld::events::v1;

void set_text(std::string* field, std::string_view text) { field->assign(text); }

void set_endpoint(const decode::IpAddress& ip, std::uint16_t port, decode::IpVersion version,
                  pb::Alert::Endpoint& out) {
  set_text(out.mutable_ip(), AddressText(ip, version).view());
  if (port != 0) out.set_port(port);
}

void set_alert(const detect::Alert& alert, pb::Alert& out) {
  const detect::DetectorInfo info = detect::detector_info(alert.detector);
  set_text(out.mutable_action(), kAlertAction);
  out.set_gid(kAlertGid);
  out.set_signature_id(info.signature_id);
  out.set_rev(kAlertRev);
  out.set_signature(alert_signature(alert));
  set_text(out.mutable_category(), info.alert_category);
  out.set_severity(info.severity);
  const decode::IpVersion version = alert.flow.ip_version;
  set_endpoint(alert.source_ip, alert.source_port, version, *out.mutable_source());
  set_endpoint(alert.target_ip, alert.target_port, version, *out.mutable_target());
}

void set_alert_detection(const detect::Alert& alert, pb::Detection& out) {
  const detect::DetectorInfo info = detect::detector_info(alert.detector);
  set_text(out.mutable_detector(), info.name);
  out.set_score(written_score(alert.score));
  set_text(out.mutable_category(), detect::category_of(alert));
  out.set_count(alert.count);
  set_text(out.mutable_first_seen(), TimeText(alert.first_seen).view());
  set_text(out.mutable_last_seen(), TimeText(alert.last_seen).view());
  if (!alert.detail.empty()) out.set_detail(alert.detail);
}

}  // namespace

void set_flow_detection(const flow::DetectionSummary& d, pb::Detection& out) {
  const FlowScores scores = flow_scores(d);
  out.set_fast_score(scores.fast);
  out.set_ml_score(scores.ml);
  out.set_score(scores.score);
  out.set_divergence(scores.divergence);
  set_text(out.mutable_authoritative(), authority_text(d));
  if (!d.category.empty()) set_text(out.mutable_category(), d.category.view());
  if (!d.ml_label.empty()) set_text(out.mutable_ml_label(), d.ml_label.view());
  for_each_reason(d.reasons, [&out](std::string_view name) { set_text(out.add_reasons(), name); });
}

void set_alert_body(const detect::Alert& alert, pb::Event& event) {
  set_alert(alert, *event.mutable_alert());
  set_alert_detection(alert, *event.mutable_detection());
}

void set_detect_stats(const detect::DetectStats& s, pb::Stats::Detect& out) {
#define MLD_SET_DETECT(name, text) out.set_##name(s.name);
  MLD_DETECT_COUNTERS(MLD_SET_DETECT)
#undef MLD_SET_DETECT
  // A detector without a field of its name in the schema does not compile.
  pb::Stats::AlertsByDetector& by = *out.mutable_alerts_by_detector();
#define MLD_SET_BY_DETECTOR(name, sid, category, signature, alert_category, severity) \
  by.set_##name(s.alerts_by_detector[static_cast<std::size_t>(detect::Detector::name)]);
  MLD_DETECTORS(MLD_SET_BY_DETECTOR)
#undef MLD_SET_BY_DETECTOR
}

}  // namespace mld::output
