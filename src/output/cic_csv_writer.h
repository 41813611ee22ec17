#pragma once
// `--format cic-csv`: the CSV layout of the corrected CIC-IDS2017 dataset
// (spec 2.3 and 4.2): 7 identifier columns and the 81 statistics, header
// names and order byte-identical, so CIC tools and models read it unchanged.
#include "flow/cic_features.h"
#include "flow/flow_record.h"
#include "output/text_buffer.h"

namespace mld::output {

class CicCsvWriter {
 public:
  explicit CicCsvWriter(flow::FeatureProfile profile) : profile_(profile) {}

  void append_header(TextBuffer& out) const;
  // A record without features (flow.features: none) cannot be a CIC row.
  void append_row(const flow::FlowRecord& record, TextBuffer& out) const;

 private:
  flow::FeatureProfile profile_;
};

}  // namespace mld::output
