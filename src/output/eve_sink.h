#pragma once
// The sink thread's serializer: flow records to EVE JSON lines in a LineFile.
#include "output/eve_writer.h"
#include "output/line_file.h"
#include "pipeline/record_consumer.h"

namespace mld::output {

class EveSink final : public pipeline::RecordConsumer {
 public:
  EveSink(LineFile& file, EveWriter& writer) : file_(file), writer_(writer) {}

  void consume(const flow::FlowRecord& record) override {
    writer_.append_flow(record, file_.buffer());
    file_.line_added();
  }
  void flush() override { file_.flush(); }

 private:
  LineFile& file_;
  EveWriter& writer_;
};

}  // namespace mld::output
