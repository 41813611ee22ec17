// A sink's thread and bounded queue, with real file sinks: a FIFO whose
// reader stalls stands for a slow disk, /dev/full for a full one.
#include "output/sink_thread.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "output/file_sink.h"
#include "tools/pcap_builder.h"

namespace mld::output {
namespace {

constexpr int kBatches = 200;
constexpr int kEventsPerBatch = 100;  // 20,000 events of 104 bytes: far more than a pipe holds
constexpr std::size_t kLineLength = 103;  // without the '\n'

std::shared_ptr<EventBatch> batch_of_events(int first) {
  auto batch = std::make_shared<EventBatch>();
  for (int n = first; n < first + kEventsPerBatch; ++n) {
    const std::string number = std::to_string(n);
    const std::string head = "{\"n\":" + number + ",\"pad\":\"";
    batch->text.append(head + std::string(kLineLength - head.size() - 2, 'x') + "\"}\n");
    batch->line_added();
  }
  return batch;
}

// A FIFO whose reader opens it at once (so the writer can open it) but reads
// only when told to.
class StalledReader {
 public:
  StalledReader() : path_(testing::temp_path("sink.fifo")) {
    ::unlink(path_.c_str());
    EXPECT_EQ(::mkfifo(path_.c_str(), 0600), 0);
    fd_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK);
    EXPECT_GE(fd_, 0);
  }
  ~StalledReader() {
    if (reader_.joinable()) reader_.join();
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

  // Reads everything until the writer closes; counts lines and checks each is whole.
  void start_reading() {
    reader_ = std::thread([this] {
      ::fcntl(fd_, F_SETFL, 0);  // blocking from now on
      char buffer[1 << 16];
      for (;;) {
        const ssize_t n = ::read(fd_, buffer, sizeof buffer);
        if (n < 0 && errno == EAGAIN) continue;
        if (n <= 0) break;
        for (ssize_t i = 0; i < n; ++i) {
          if (buffer[i] == '\n') {
            whole_lines_ += line_length_ == kLineLength ? 1 : 0;
            ++lines_;
            line_length_ = 0;
          } else {
            ++line_length_;
          }
        }
      }
    });
  }
  std::uint64_t lines() {
    if (reader_.joinable()) reader_.join();
    return lines_;
  }
  std::uint64_t whole_lines() const { return whole_lines_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::thread reader_;
  std::uint64_t lines_ = 0;
  std::uint64_t whole_lines_ = 0;
  std::size_t line_length_ = 0;
};

std::unique_ptr<EventSink> file_sink(const std::string& path) {
  FileSinkOptions options;
  options.path = path;
  return make_file_sink(options);
}

TEST(SinkThread, DropPolicyNeverWaitsAndCountsWhatItDropped) {
  StalledReader reader;
  SinkThread sink("file", file_sink(reader.path()), QueuePolicy::drop, /*queue_batches=*/4);
  for (int b = 0; b < kBatches; ++b) sink.publish(batch_of_events(b * kEventsPerBatch));
  // The reader never read, yet every publish returned: most batches were dropped.
  const pipeline::SinkStats during = sink.stats();
  EXPECT_GT(during.dropped_queue_full, 0u);
  EXPECT_EQ(during.policy, "drop");

  reader.start_reading();
  sink.finish();
  const pipeline::SinkStats after = sink.stats();
  EXPECT_EQ(after.events_written + after.dropped_queue_full,
            static_cast<std::uint64_t>(kBatches * kEventsPerBatch));
  EXPECT_EQ(after.dropped_queue_full % kEventsPerBatch, 0u) << "whole batches are dropped";
  EXPECT_EQ(reader.lines(), after.events_written);
  EXPECT_EQ(reader.whole_lines(), after.events_written);
  EXPECT_FALSE(sink.failed());
}

TEST(SinkThread, BlockPolicyWaitsAndLosesNothing) {
  StalledReader reader;
  SinkThread sink("file", file_sink(reader.path()), QueuePolicy::block, /*queue_batches=*/4);
  std::thread publisher([&] {
    for (int b = 0; b < kBatches; ++b) sink.publish(batch_of_events(b * kEventsPerBatch));
  });
  reader.start_reading();  // the publisher is held back until the reader drains the pipe
  publisher.join();
  sink.finish();
  const pipeline::SinkStats stats = sink.stats();
  EXPECT_EQ(stats.events_written, static_cast<std::uint64_t>(kBatches * kEventsPerBatch));
  EXPECT_EQ(stats.dropped_queue_full, 0u);
  EXPECT_EQ(reader.lines(), stats.events_written);
  EXPECT_EQ(reader.whole_lines(), stats.events_written);
}

TEST(SinkThread, AFullDiskFailsTheSinkWithANamedErrorAndCountsTheRest) {
  if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no writable /dev/full";
  SinkThread sink("file", file_sink("/dev/full"), QueuePolicy::block, /*queue_batches=*/2);
  // Enough to pass the writer's flush threshold: the write fails mid-run.
  for (int b = 0; b < kBatches; ++b) sink.publish(batch_of_events(b * kEventsPerBatch));
  sink.finish();
  EXPECT_TRUE(sink.failed());
  EXPECT_NE(sink.error().find("/dev/full"), std::string::npos) << sink.error();
  EXPECT_NE(sink.error().find("No space left on device"), std::string::npos) << sink.error();
  const pipeline::SinkStats stats = sink.stats();
  EXPECT_GT(stats.dropped_sink_failed, 0u);
  EXPECT_EQ(stats.events_written + stats.dropped_sink_failed,
            static_cast<std::uint64_t>(kBatches * kEventsPerBatch));
}

}  // namespace
}  // namespace mld::output
