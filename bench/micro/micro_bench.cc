// Micro-benchmarks of the per-packet work, single-threaded, on real frames held
// in memory: the first round of bench/work/real.pcap (built by bench/run.sh),
// or the capture named by MLD_MICRO_PCAP.
#include <benchmark/benchmark.h>
#include <pcap/pcap.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "decode/decoder.h"
#include "flow/flow_tracker.h"

namespace {

constexpr std::size_t kMaxFrames = 200'000;

struct Frames {
  std::vector<std::vector<std::uint8_t>> bytes;
  std::vector<mld::capture::RawPacket> raw;
};

const Frames& frames() {
  static const Frames f = [] {
    Frames out;
    const char* env = std::getenv("MLD_MICRO_PCAP");
    const std::string path = env != nullptr ? env : MLD_BENCH_WORK_DIR "/real.pcap";
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* in = pcap_open_offline(path.c_str(), err);
    if (in == nullptr) return out;
    pcap_pkthdr* h;
    const u_char* d;
    while (out.bytes.size() < kMaxFrames && pcap_next_ex(in, &h, &d) == 1) {
      out.bytes.emplace_back(d, d + h->caplen);
      out.raw.push_back({h->ts.tv_sec * 1'000'000LL + h->ts.tv_usec, h->caplen, h->len,
                         static_cast<std::uint16_t>(pcap_datalink(in)), 0, nullptr});
    }
    pcap_close(in);
    for (std::size_t i = 0; i < out.raw.size(); ++i) out.raw[i].data = out.bytes[i].data();
    return out;
  }();
  return f;
}

std::vector<mld::decode::PacketView> decoded() {
  const mld::decode::Decoder decoder;
  std::vector<mld::decode::PacketView> views;
  for (const auto& raw : frames().raw) {
    mld::decode::PacketView v;
    if (decoder.decode(raw, v) != mld::decode::DropReason::none) continue;
    v.payload = nullptr;  // as in the pipeline: frame bytes do not reach the workers
    views.push_back(v);
  }
  return views;
}

struct CountingSink : mld::flow::FlowRecordSink {
  std::uint64_t records = 0;
  void on_flow_end(const mld::flow::FlowRecord&) override { ++records; }
};

void BM_Decode(benchmark::State& state) {
  const auto& raw = frames().raw;
  if (raw.empty()) return state.SkipWithError("no capture: run bench/run.sh or set MLD_MICRO_PCAP");
  const mld::decode::Decoder decoder;
  mld::decode::PacketView view;
  for (auto _ : state) {
    for (const auto& frame : raw) benchmark::DoNotOptimize(decoder.decode(frame, view));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * raw.size()));
}
BENCHMARK(BM_Decode)->Unit(benchmark::kMillisecond);

// A fresh tracker per iteration: every flow created, updated, and ended.
void BM_FlowTracker(benchmark::State& state) {
  const auto views = decoded();
  if (views.empty()) return state.SkipWithError("no capture: run bench/run.sh or set MLD_MICRO_PCAP");
  mld::flow::FlowTrackerOptions options;
  if (state.range(0) == 1) options.rules = mld::flow::LifecycleRules::nfstream(mld::seconds(120), mld::seconds(1800));
  CountingSink sink;
  for (auto _ : state) {
    mld::flow::FlowTracker tracker(options, sink);
    for (const auto& v : views) tracker.process(v);
    tracker.end_all();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * views.size()));
  state.counters["flows/iter"] = static_cast<double>(sink.records) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_FlowTracker)->Arg(0)->Arg(1)->ArgName("nfstream")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
