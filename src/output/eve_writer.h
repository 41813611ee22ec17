#pragma once
// Formats events as EVE-style JSON lines (Suricata's shape, so Filebeat,
// Splunk, Elastic and jq users read them unchanged). docs/events.md lists
// every field.
#include <string>
#include <vector>

#include "app/app_event.h"
#include "common/time.h"
#include "detect/alert.h"
#include "flow/flow_record.h"
#include "output/event_header.h"
#include "output/text_buffer.h"
#include "pipeline/run_stats.h"

namespace mld::output {

class JsonWriter;

class EveWriter {
 public:
  // `input_names`: capture file per input index, for `pcap_filename`; empty
  // in live mode. `features`: the profile of the CIC statistics.
  explicit EveWriter(std::vector<std::string> input_names = {},
                     flow::FeatureProfile features = flow::FeatureProfile::dataset);

  // Each appends one line (with its '\n') to `out`.
  void append_flow(const flow::FlowRecord& record, TextBuffer& out) const;
  // A protocol event (dns, http, tls, ssh, smb, quic): the flow's header and
  // the event's object, in Suricata 8's shape (eve_app_writer.cc).
  void append_app_event(const app::AppEvent& event, TextBuffer& out) const;
  // An alert: the header of the flow that crossed the threshold, Suricata
  // 8's "alert" object, then our "detection" (eve_detection_writer.cc).
  void append_alert(const detect::Alert& alert, TextBuffer& out) const;
  void append_stats(const pipeline::RunStats& stats, Micros timestamp, TextBuffer& out) const;

 private:
  // The fields every event about a flow begins with, in an open object.
  void write_header(JsonWriter& w, const EventHeader& header) const;
  // A scored flow record's "detection" object (eve_detection_writer.cc).
  static void write_detection(JsonWriter& w, const flow::DetectionSummary& detection);

  std::vector<std::string> input_names_;
  flow::FeatureProfile features_;
};

// IANA protocol keyword as Suricata prints it ("TCP", "IPv6-ICMP"), or the number.
std::string protocol_name(std::uint8_t protocol);

}  // namespace mld::output
