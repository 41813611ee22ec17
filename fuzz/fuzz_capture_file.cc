// libFuzzer target for everything a capture file reaches: libpcap's reader
// (through PcapFileReader), the decoder, the flow tracker (with a tiny table,
// so eviction and continuations happen) and the EVE serializer. The input is a
// whole pcap/pcapng file.
#include <cstdint>
#include <cstdio>
#include <string>

#include "capture/pcap_file_reader.h"
#include "decode/decoder.h"
#include "flow/flow_tracker.h"
#include "output/eve_writer.h"
#include "fuzz_require.h"

namespace {

using namespace mld;
using mld::fuzz::require;

class SerializingSink final : public flow::FlowRecordSink {
 public:
  void on_flow_end(const flow::FlowRecord& record) override {
    line_.clear();
    writer_.append_flow(record, line_);
    require(!line_.empty() && line_.view().back() == '\n', "one whole line per flow");
  }

 private:
  output::EveWriter writer_{{"fuzz.pcap"}};
  output::TextBuffer line_;
};

void run(const std::uint8_t* data, std::size_t size, flow::LifecycleRules rules) {
  std::FILE* file = fmemopen(const_cast<std::uint8_t*>(data), size, "rb");
  if (file == nullptr) return;
  SerializingSink sink;
  flow::FlowTrackerOptions options;
  options.max_flows = 8;
  options.max_tombstones = 4;
  options.rules = rules;
  flow::FlowTracker tracker(options, sink);
  const decode::Decoder decoder;
  try {
    capture::PcapFileReader reader(file, "fuzz.pcap", 0);
    capture::RawPacket raw;
    decode::PacketView view;
    while (reader.next(raw)) {
      if (decoder.decode(raw, view) == decode::DropReason::none) tracker.process(view);
    }
  } catch (const capture::CaptureError&) {
    // A broken file is an expected outcome; the flows read so far still end.
  }
  tracker.end_all();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  run(data, size, flow::LifecycleRules::cic(seconds(120)));
  run(data, size, flow::LifecycleRules::nfstream(seconds(120), seconds(1800)));
  return 0;
}
