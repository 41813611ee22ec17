// What detection adds to EVE: the "detection" object of scored flow records,
// and alert events in Suricata 8's shape with our "detection" after the
// "alert" object (docs/events.md). Shared values: detection_fields.h.
#include "output/detection_fields.h"
#include "output/eve_fields.h"
#include "output/eve_writer.h"
#include "output/json_writer.h"

namespace mld::output {
namespace {

// Suricata 8's alert.source / alert.target; the port is left out when the
// alert has many or none (0).
void endpoint_field(JsonWriter& w, std::string_view name, const decode::IpAddress& ip,
                    std::uint16_t port, decode::IpVersion version) {
  w.key(name);
  w.begin_object();
  address_field(w, "ip", ip, version);
  if (port != 0) w.field("port", port);
  w.end_object();
}

void write_alert_object(JsonWriter& w, const detect::Alert& alert) {
  const detect::DetectorInfo info = detect::detector_info(alert.detector);
  w.key("alert");
  w.begin_object();
  w.field("action", kAlertAction);
  w.field("gid", kAlertGid);
  w.field("signature_id", info.signature_id);
  w.field("rev", kAlertRev);
  w.field("signature", std::string_view(alert_signature(alert)));
  w.field("category", info.alert_category);
  w.field("severity", info.severity);
  endpoint_field(w, "source", alert.source_ip, alert.source_port, alert.flow.ip_version);
  endpoint_field(w, "target", alert.target_ip, alert.target_port, alert.flow.ip_version);
  w.end_object();
}

void write_alert_detection(JsonWriter& w, const detect::Alert& alert) {
  const detect::DetectorInfo info = detect::detector_info(alert.detector);
  w.key("detection");
  w.begin_object();
  w.field("detector", info.name);
  w.field("score", written_score(alert.score));
  w.field("category", detect::category_of(alert));
  w.field("count", alert.count);
  time_field(w, "first_seen", alert.first_seen);
  time_field(w, "last_seen", alert.last_seen);
  if (!alert.detail.empty()) w.field("detail", std::string_view(alert.detail));
  w.end_object();
}

}  // namespace

void EveWriter::write_detection(JsonWriter& w, const flow::DetectionSummary& d) {
  const FlowScores scores = flow_scores(d);
  w.key("detection");
  w.begin_object();
  w.field("fast_score", scores.fast);
  w.field("ml_score", scores.ml);
  w.field("score", scores.score);
  w.field("divergence", scores.divergence);
  w.field("authoritative", authority_text(d));
  if (!d.category.empty()) w.field("category", d.category.view());
  if (!d.ml_label.empty()) w.field("ml_label", d.ml_label.view());
  if ((d.reasons & kReasonMask) != 0) {
    w.key("reasons");
    w.begin_array();
    for_each_reason(d.reasons, [&w](std::string_view name) { w.value(name); });
    w.end_array();
  }
  w.end_object();
}

void EveWriter::append_alert(const detect::Alert& alert, TextBuffer& out) const {
  JsonWriter w(out);
  w.begin_object();
  write_header(w, alert_header(alert));
  write_alert_object(w, alert);
  write_alert_detection(w, alert);
  w.end_object();
  out.push_back('\n');
}

}  // namespace mld::output
