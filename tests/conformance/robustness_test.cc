// Every capture of ../shared/data - tcpdump's fuzzed and truncated ones
// included - runs to the end: no crash (this binary also runs under
// ASan+UBSan), every output line a complete JSON object, and every input
// problem reported as one line naming the file and the byte offset.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "cli/run_output.h"
#include "tools/pcap_builder.h"
#include "tools/run_capture.h"
#include "tools/shared_data.h"

namespace mld::testing {
namespace {

std::vector<std::string> every_capture() {
  std::set<std::string> files;
  for (const auto& f : captures_under("")) files.insert(f);
  for (const auto& f : files_under("", {".pcap", ".pcapng", ".cap", ".pcap0", ".pcap1"})) {
    files.insert(f);
  }
  return {files.begin(), files.end()};
}

TEST(Robustness, EveryCaptureRunsToTheEndWithWholeLinesAndNamedErrors) {
  MLD_REQUIRE_SHARED_DATA();
  const auto options = options_from({});
  const std::string out_path = temp_path("robustness.json");
  const std::regex error_pattern(R"(^.+: .+ \(at byte offset \d+\)$)");
  std::size_t captures = 0, failed_inputs = 0, lines = 0;

  for (const std::string& capture : every_capture()) {
    ++captures;
    pipeline::RunResult result;
    {
      cli::Config config;
      config.set("output.file.path", out_path, "test");
      cli::RunOutput output(config, {capture}, /*live=*/false);
      result = pipeline::run_file_pipeline(options, {capture}, output.consumer());
      EXPECT_EQ(output.finish(result.stats, 0), "") << capture;
    }
    for (const std::string& error : result.input_errors) {
      ++failed_inputs;
      EXPECT_TRUE(std::regex_match(error, error_pattern)) << error;
      EXPECT_EQ(error.rfind(capture, 0), 0u) << "error does not start with the file name: " << error;
      EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    }
    EXPECT_TRUE(result.output_error.empty()) << capture << ": " << result.output_error;

    // Every packet is either in a flow or counted under a named reason.
    const auto& s = result.stats;
    EXPECT_EQ(s.decode.packets_read, s.decode.packets_decoded + s.decode.dropped()) << capture;
    EXPECT_EQ(s.decode.packets_decoded, s.flow.packets) << capture;

    std::ifstream in(out_path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(text.empty()) << capture;
    EXPECT_EQ(text.back(), '\n') << capture;
    std::size_t start = 0;
    std::uint64_t flow_lines = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      const auto doc = nlohmann::json::parse(text.begin() + static_cast<std::ptrdiff_t>(start),
                                             text.begin() + static_cast<std::ptrdiff_t>(end),
                                             nullptr, /*allow_exceptions=*/false);
      ASSERT_FALSE(doc.is_discarded()) << capture << ": torn or invalid line at byte " << start;
      ASSERT_TRUE(doc.is_object()) << capture;
      if (doc.at("event_type") == "flow") ++flow_lines;
      ++lines;
      start = end + 1;
    }
    EXPECT_EQ(flow_lines, s.flow.created) << capture;
  }
  std::cout << "robustness: " << captures << " captures, " << failed_inputs
            << " reported as unreadable or truncated, " << lines << " JSON lines checked\n";
  EXPECT_GT(captures, 1300u);
}

}  // namespace
}  // namespace mld::testing
