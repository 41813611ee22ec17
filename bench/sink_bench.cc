// Events per second through the output path, and its memory over a long run.
//
//   mld_sink_bench RECORDS_CAPTURE OUT_FILE [EVENTS] [LONG_EVENTS]
//
// The flow records of a real capture are replayed, round-robin, through:
//   write-only   write() of the same lines already serialized (the baseline:
//                what the disk and the kernel cost by themselves)
//   one-thread   EVE serialization and the file sink on one thread
//   signed       the same, every line HMAC-SHA256 chained
//   pipelined    serializer thread -> bounded queue -> file sink thread, as a run does
// Ratios are against write-only in the same invocation (shared machines are
// noisy). Then RSS while 50 M signed flow events go to /dev/null.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "output/event_fanout.h"
#include "output/eve_writer.h"
#include "output/file_sink.h"
#include "pipeline/file_pipeline.h"

namespace {

using namespace mld;
using Clock = std::chrono::steady_clock;

class Collector final : public pipeline::RecordConsumer {
 public:
  void consume(const flow::FlowRecord& record) override { records.push_back(record); }
  void consume(const app::AppEvent&) override {}  // the flow records are the load
  void consume(const detect::Alert&) override {}
  void flush() override {}
  std::vector<flow::FlowRecord> records;
};

std::vector<flow::FlowRecord> records_of(const std::string& capture, bool features) {
  pipeline::PipelineOptions options;
  options.flow.features = features;
  options.flow.hash_seed = 1;
  options.app_layer = false;  // this bench measures the output path only
  Collector collector;
  pipeline::run_file_pipeline(options, {capture}, collector);
  return collector.records;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::uint64_t rss_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

// Serializes `events` records into batches of EventBatch::kMaxEvents and
// hands each to `write`.
template <class Write>
void replay(const std::vector<flow::FlowRecord>& records, std::uint64_t events,
            const output::EveWriter& writer, Write&& write) {
  output::EventBatch batch;
  for (std::uint64_t i = 0; i < events; ++i) {
    writer.append_flow(records[i % records.size()], batch.text);
    batch.line_added();
    if (batch.full()) {
      write(batch);
      batch.clear();
    }
  }
  if (batch.events() > 0) write(batch);
}

double write_only(const std::vector<flow::FlowRecord>& records, std::uint64_t events,
                  const output::EveWriter& writer, const std::string& path) {
  output::EventBatch all;  // serialized beforehand: only the writing is timed
  for (const auto& record : records) {
    writer.append_flow(record, all.text);
    all.line_added();
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const auto start = Clock::now();
  std::uint64_t done = 0;
  while (done < events) {
    const std::uint64_t n = std::min<std::uint64_t>(records.size(), events - done);
    const std::size_t bytes = all.line_ends[n - 1];
    for (std::size_t off = 0; off < bytes;) {
      const ssize_t w = ::write(fd, all.text.data() + off, bytes - off);
      if (w <= 0) std::abort();
      off += static_cast<std::size_t>(w);
    }
    done += n;
  }
  ::close(fd);
  return static_cast<double>(events) / seconds_since(start);
}

double one_thread(const std::vector<flow::FlowRecord>& records, std::uint64_t events,
                  const output::EveWriter& writer, const std::string& path,
                  std::shared_ptr<const output::SigningKey> key) {
  output::FileSinkOptions options;
  options.path = path;
  options.signing_key = std::move(key);
  auto sink = output::make_file_sink(options);
  const auto start = Clock::now();
  replay(records, events, writer, [&](const output::EventBatch& batch) { sink->write(batch); });
  sink->close();
  return static_cast<double>(events) / seconds_since(start);
}

std::unique_ptr<output::EventFanout> fanout_to(const std::string& path,
                                               std::shared_ptr<const output::SigningKey> key) {
  output::FileSinkOptions options;
  options.path = path;
  options.signing_key = std::move(key);
  std::vector<std::unique_ptr<output::SinkThread>> sinks;
  // 64 batches of 256: the default output.file.queue of 16384 events.
  sinks.push_back(std::make_unique<output::SinkThread>("file", output::make_file_sink(options),
                                                       output::QueuePolicy::block, 64));
  const auto profile = flow::FeatureProfile::dataset;
  return std::make_unique<output::EventFanout>(output::LineFormat::eve,
                                               output::EveWriter({}, profile),
                                               output::CicCsvWriter(profile), nullptr,
                                               std::move(sinks));
}

double pipelined(const std::vector<flow::FlowRecord>& records, std::uint64_t events,
                 const std::string& path) {
  auto fanout = fanout_to(path, nullptr);
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < events; ++i) fanout->consume(records[i % records.size()]);
  fanout->finish({}, 0, nullptr);
  return static_cast<double>(events) / seconds_since(start);
}

void memory_over_a_long_run(const std::vector<flow::FlowRecord>& records,
                            std::uint64_t events, std::shared_ptr<const output::SigningKey> key) {
  auto fanout = fanout_to("/dev/null", std::move(key));
  const std::uint64_t warm_up = events / 10;
  std::uint64_t rss_after_warm_up = 0, rss_max = 0;
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < events; ++i) {
    fanout->consume(records[i % records.size()]);
    if (i % 1'000'000 == 999'999) {
      const std::uint64_t rss = rss_kib();
      if (i + 1 == warm_up) rss_after_warm_up = rss;
      if (i + 1 > warm_up) rss_max = std::max(rss_max, rss);
    }
  }
  fanout->finish({}, 0, nullptr);
  std::printf("memory   %llu M signed flow events to /dev/null in %.1f s: RSS %llu KiB "
              "after %llu M (warm-up), at most %llu KiB after: growth %lld KiB\n",
              static_cast<unsigned long long>(events / 1'000'000), seconds_since(start),
              static_cast<unsigned long long>(rss_after_warm_up),
              static_cast<unsigned long long>(warm_up / 1'000'000),
              static_cast<unsigned long long>(rss_max),
              static_cast<long long>(rss_max) - static_cast<long long>(rss_after_warm_up));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: mld_sink_bench RECORDS_CAPTURE OUT_FILE [EVENTS] [LONG_EVENTS]\n");
    return 1;
  }
  const std::string capture = argv[1], out = argv[2];
  const std::uint64_t events = argc > 3 ? std::stoull(argv[3]) : 5'000'000;
  const std::uint64_t long_events = argc > 4 ? std::stoull(argv[4]) : 50'000'000;
  const auto key = std::make_shared<const output::SigningKey>(std::string(32, 'k'));

  const std::vector<flow::FlowRecord> plain = records_of(capture, false);
  const std::vector<flow::FlowRecord> with_features = records_of(capture, true);
  if (plain.empty()) {
    std::fprintf(stderr, "%s: no flows\n", capture.c_str());
    return 1;
  }
  std::printf("records  %zu flows of %s, replayed round-robin; %llu events per case\n",
              plain.size(), capture.c_str(), static_cast<unsigned long long>(events));
  const output::EveWriter eve({}, flow::FeatureProfile::dataset);
  const double baseline = write_only(plain, events, eve, out);
  auto report = [&](const char* name, double rate) {
    std::printf("%-44s %10.0f events/s  %5.2fx write-only\n", name, rate, rate / baseline);
  };
  report("write-only (baseline, flow events)", baseline);
  report("one thread: serialize + write", one_thread(plain, events, eve, out, nullptr));
  report("one thread: serialize + sign + write", one_thread(plain, events, eve, out, key));
  report("pipelined: serializer -> queue -> file thread", pipelined(plain, events, out));
  report("one thread, with 81 statistics", one_thread(with_features, events, eve, out, nullptr));
  ::unlink(out.c_str());
  memory_over_a_long_run(plain, long_events, key);
  return 0;
}
