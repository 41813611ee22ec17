// The file pipeline end to end on captures the tests write themselves.
#include "pipeline/file_pipeline.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "capture/pcap_file_reader.h"
#include "tools/pcap_builder.h"
#include "tools/run_capture.h"

namespace mld::testing {
namespace {

namespace fs = std::filesystem;
namespace f = decode::tcp_flag;
constexpr std::int64_t kSecond = 1'000'000;

Bytes tcp_frame(bool from_client, std::uint8_t flags, std::size_t payload = 0) {
  FrameBuilder b;
  b.ethernet();
  if (from_client) {
    b.ipv4("10.1.1.1", "10.2.2.2", 6).tcp(40000, 443, flags);
  } else {
    b.ipv4("10.2.2.2", "10.1.1.1", 6).tcp(443, 40000, flags);
  }
  return b.payload(payload).build();
}

Bytes udp_frame(std::uint16_t sport, std::uint16_t dport, std::size_t payload = 10) {
  return FrameBuilder().ethernet().ipv4("10.1.1.1", "10.2.2.2", 17).udp(sport, dport)
      .payload(payload).build();
}

// A TCP connection: SYN, SYN-ACK, ACK, data both ways, FIN, FIN, ACK.
struct Step {
  std::int64_t t;
  Bytes frame;
};
std::vector<Step> connection(std::int64_t t0) {
  return {{t0, tcp_frame(true, f::syn)},
          {t0 + 1000, tcp_frame(false, f::syn | f::ack)},
          {t0 + 2000, tcp_frame(true, f::ack)},
          {t0 + 3000, tcp_frame(true, f::psh | f::ack, 300)},
          {t0 + 4000, tcp_frame(false, f::psh | f::ack, 1200)},
          {t0 + 5000, tcp_frame(true, f::fin | f::ack)},
          {t0 + 6000, tcp_frame(false, f::fin | f::ack)},
          {t0 + 7000, tcp_frame(true, f::ack)}};
}

void expect_the_connection(const std::vector<flow::FlowRecord>& records, std::int64_t t0) {
  ASSERT_EQ(records.size(), 1u);
  const flow::FlowRecord& r = records[0];
  EXPECT_EQ(r.src_port, 40000);
  EXPECT_EQ(r.packets_toserver, 5u);
  EXPECT_EQ(r.packets_toclient, 3u);
  // Frames: 54 bytes of headers each (14 + 20 + 20), plus payload.
  EXPECT_EQ(r.bytes_toserver, 5u * 54 + 300);
  EXPECT_EQ(r.bytes_toclient, 3u * 54 + 1200);
  EXPECT_EQ(r.start, t0);
  EXPECT_EQ(r.end, t0 + 7000);
  EXPECT_EQ(r.conn_state, flow::ConnState::SF);
}

TEST(FilePipeline, PcapMicroAndNanoBothByteOrdersAndPcapngGiveTheSameFlow) {
  const std::int64_t t0 = 1'700'000'000 * kSecond + 123'456;
  const auto steps = connection(t0);
  const std::string micro = temp_path("micro.pcap"), nano_be = temp_path("nano-be.pcap");
  const std::string ng = temp_path("sections.pcapng");
  {
    PcapWriter a(micro, 1);
    PcapWriter b(nano_be, 1, /*nanosecond=*/true, /*big_endian=*/true);
    for (const Step& s : steps) a.write(s.t, s.frame), b.write(s.t, s.frame);
    // pcapng: two sections, each with a nanosecond and a microsecond interface.
    PcapngWriter c(ng);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (i == 0 || i == 4) {
        c.section();
        c.interface(1, 9);
        c.interface(1, 6);
      }
      c.write(static_cast<std::uint32_t>(i % 2), steps[i].t, steps[i].frame);
    }
  }
  const auto options = options_from({});
  for (const std::string& file : {micro, nano_be, ng}) {
    SCOPED_TRACE(file);
    const CaptureRun run = run_captures({file}, options);
    EXPECT_TRUE(run.result.input_errors.empty());
    expect_the_connection(run.records, t0);
  }
}

TEST(FilePipeline, ADirectoryIsReadInNameOrderAsOneTimeline) {
  const std::int64_t t0 = 1'600'000'000 * kSecond;
  const auto steps = connection(t0);
  const fs::path dir = temp_path("rotated");
  fs::create_directories(dir);
  {
    // Rotated capture files: the connection spans both; "b" sorts after "a".
    PcapWriter second((dir / "b-0002.pcap").string(), 1);
    PcapWriter first((dir / "a-0001.pcap").string(), 1);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      (i < 3 ? first : second).write(steps[i].t, steps[i].frame);
    }
  }
  const auto inputs = capture::expand_capture_inputs({dir.string()});
  ASSERT_EQ(inputs.size(), 2u);
  EXPECT_EQ(fs::path(inputs[0]).filename(), "a-0001.pcap");
  const CaptureRun run = run_captures(inputs, options_from({}));
  expect_the_connection(run.records, t0);
  EXPECT_EQ(run.result.stats.capture.timeline_restarts, 0u);
}

TEST(FilePipeline, AnInputThatStartsEarlierStartsANewTimeline) {
  const std::string late = temp_path("late.pcap"), early = temp_path("early.pcap");
  {
    PcapWriter a(late, 1), b(early, 1);
    a.write(5000 * kSecond, udp_frame(5000, 53));
    b.write(10 * kSecond, udp_frame(5000, 53));
    b.write(11 * kSecond, udp_frame(5000, 53));
  }
  const CaptureRun run = run_captures({late, early}, options_from({}));
  ASSERT_EQ(run.records.size(), 2u);
  EXPECT_EQ(run.records[0].start, 5000 * kSecond);
  EXPECT_EQ(run.records[0].packets_toserver, 1u);
  EXPECT_EQ(run.records[0].reason, flow::EndReason::end_of_input);
  EXPECT_EQ(run.records[1].start, 10 * kSecond);
  EXPECT_EQ(run.records[1].packets_toserver, 2u);
  EXPECT_EQ(run.result.stats.capture.timeline_restarts, 1u);
  EXPECT_EQ(run.result.stats.capture.timestamps_clamped, 0u);
}

TEST(FilePipeline, TruncatedCaptureNamesFileAndOffsetAndKeepsEarlierFlows) {
  const std::string path = temp_path("truncated.pcap");
  {
    PcapWriter w(path, 1);
    w.write(kSecond, udp_frame(1, 53));
    w.write(2 * kSecond, udp_frame(2, 53));
    w.write(3 * kSecond, udp_frame(3, 53));
  }
  // Cut the last record in the middle of its frame.
  const auto full = fs::file_size(path);
  fs::resize_file(path, full - 20);
  const CaptureRun run = run_captures({path}, options_from({}));
  EXPECT_EQ(run.records.size(), 2u);
  ASSERT_EQ(run.result.input_errors.size(), 1u);
  // Header 24 + two records of 16 + 52 bytes: the third record starts at 160.
  EXPECT_EQ(run.result.input_errors[0],
            path + ": truncated dump file; tried to read 52 captured bytes, only got 32 "
                   "(at byte offset " + std::to_string(full - 20) + ")");
}

TEST(FilePipeline, TimestampsAfter2038AreUnsigned) {
  // 2039-01-01T00:00:00Z: the 32-bit seconds field has its top bit set.
  const std::int64_t t = 2177452800LL * kSecond + 250'000;
  const std::string path = temp_path("2039.pcap");
  {
    PcapWriter w(path, 1);
    w.write(t, udp_frame(1, 53));
    w.write(t + kSecond, udp_frame(1, 53));
  }
  const CaptureRun run = run_captures({path}, options_from({}));
  ASSERT_EQ(run.records.size(), 1u);
  EXPECT_EQ(run.records[0].start, t);
  EXPECT_EQ(run.records[0].end, t + kSecond);
}

TEST(FilePipeline, FramesWithoutAFlowAreCountedByReason) {
  const std::string path = temp_path("drops.pcap");
  {
    PcapWriter w(path, 1);
    w.write(kSecond, FrameBuilder().ethernet(0x0806).payload(28).build());  // ARP
    w.write(kSecond, udp_frame(1, 53));
    Bytes fragment = FrameBuilder().ethernet().ipv4("10.1.1.1", "10.2.2.2", 17, 0x0010)
                         .payload(40).build();                             // offset 16*8
    w.write(kSecond, fragment);
    w.write(kSecond, udp_frame(1, 53), /*wire_length=*/0, /*captured=*/20);  // header cut
  }
  const CaptureRun run = run_captures({path}, options_from({}));
  const auto& d = run.result.stats.decode;
  using decode::DropReason;
  EXPECT_EQ(d.packets_read, 4u);
  EXPECT_EQ(d.drops[static_cast<int>(DropReason::not_ip)], 1u);
  EXPECT_EQ(d.drops[static_cast<int>(DropReason::non_first_fragment)], 1u);
  EXPECT_EQ(d.drops[static_cast<int>(DropReason::ipv4_header_truncated)], 1u);
  EXPECT_EQ(d.packets_decoded, 1u);
  EXPECT_EQ(run.records.size(), 1u);
}

TEST(FilePipeline, UnsupportedLinkTypeIsACountedDropNotAnError) {
  const std::string path = temp_path("user0.pcap");
  {
    PcapWriter w(path, 147);  // LINKTYPE_USER0
    w.write(kSecond, udp_frame(1, 53));
  }
  const CaptureRun run = run_captures({path}, options_from({}));
  EXPECT_TRUE(run.result.input_errors.empty());
  EXPECT_EQ(run.result.stats.decode.drops[static_cast<int>(decode::DropReason::unsupported_link_type)],
            1u);
}

TEST(FilePipeline, MissingAndNonCaptureFilesAreNamed) {
  const std::string text = temp_path("not-a-capture.txt");
  std::ofstream(text) << "hello, this is not a capture file\n";
  const CaptureRun run = run_captures({text}, options_from({}));
  ASSERT_EQ(run.result.input_errors.size(), 1u);
  EXPECT_EQ(run.result.input_errors[0], text + ": unknown file format (at byte offset 0)");
  EXPECT_THROW(capture::expand_capture_inputs({"/nonexistent/capture.pcap"}),
               capture::CaptureError);
}

class FailingConsumer final : public pipeline::RecordConsumer {
 public:
  void consume(const flow::FlowRecord&) override {
    if (++consumed_ > 3) throw std::runtime_error("writing out.json: No space left on device");
  }
  void consume(const app::AppEvent&) override {}
  void consume(const detect::Alert&) override {}
  void flush() override {}

 private:
  int consumed_ = 0;
};

TEST(FilePipeline, OutputFailureStopsTheRunWithoutDeadlock) {
  const std::string path = temp_path("many.pcap");
  {
    PcapWriter w(path, 1);
    // 200k single-packet flows, 2 minutes apart in 1000 groups: flows keep
    // ending while the reader is still reading.
    for (int i = 0; i < 200'000; ++i) {
      w.write((i / 200) * 121 * kSecond + i, udp_frame(static_cast<std::uint16_t>(1 + i % 60000),
                                                       static_cast<std::uint16_t>(53 + i / 60000)));
    }
  }
  for (unsigned workers : {1u, 3u}) {
    FailingConsumer consumer;
    auto options = options_from({"pipeline.workers=" + std::to_string(workers)});
    const auto result = pipeline::run_file_pipeline(options, {path}, consumer);
    EXPECT_EQ(result.output_error, "writing out.json: No space left on device");
    EXPECT_EQ(result.stats.output.records_delivered, 3u);
    EXPECT_GT(result.stats.output.records_failed, 0u);
    EXPECT_LT(result.stats.decode.packets_read, 200'000u) << "reading should stop early";
  }
}

TEST(FilePipeline, ManyFlowsGiveTheSameRecordsWithAnyWorkerCount) {
  const std::string path = temp_path("fanout.pcap");
  {
    PcapWriter w(path, 1);
    for (int i = 0; i < 50'000; ++i) {
      const auto port = static_cast<std::uint16_t>(1000 + i % 5000);
      w.write(i * 1000, udp_frame(port, 53, i % 100));
      w.write(i * 1000 + 1, FrameBuilder().ethernet().ipv4("10.2.2.2", "10.1.1.1", 17)
                                .udp(53, port).payload(20).build());
    }
  }
  auto key = [](const flow::FlowRecord& r) {
    return std::make_tuple(r.src_port, r.start, r.end, r.packets_toserver, r.packets_toclient,
                           r.bytes_toserver, r.bytes_toclient);
  };
  auto sorted = [&](unsigned workers) {
    auto records = run_captures({path}, options_from({"pipeline.workers=" +
                                                      std::to_string(workers)})).records;
    std::vector<decltype(key(records[0]))> keys;
    for (const auto& r : records) keys.push_back(key(r));
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  const auto one = sorted(1);
  EXPECT_EQ(one.size(), 5000u);
  EXPECT_EQ(one, sorted(2));
  EXPECT_EQ(one, sorted(4));
}

}  // namespace
}  // namespace mld::testing
