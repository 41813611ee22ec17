// The event log file: signatures as docs/integrity.md defines them (checked
// with OpenSSL's one-shot HMAC, not the signer), rotation by size and time,
// zstd (checked with the zstd tool), retention, and appending after a crash.
#include "output/file_sink.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/hmac.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "output/line_signer.h"
#include "output/rotated_files.h"
#include "tools/pcap_builder.h"
#include "tools/text_file.h"

namespace mld::output {
namespace {
namespace fs = std::filesystem;
using testing::lines_of;
using testing::read_file;

class FileSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::temp_path(::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    key_ = std::make_shared<SigningKey>(std::string(32, 'k'));
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  // `count` events {"event_type":"flow","n":first..}, ~100 bytes each.
  static EventBatch events(int first, int count) {
    EventBatch batch;
    for (int n = first; n < first + count; ++n) {
      batch.text.append("{\"event_type\":\"flow\",\"n\":" + std::to_string(n) + ",\"pad\":\"" +
                        std::string(64, 'x') + "\"}\n");
      batch.line_added();
    }
    return batch;
  }

  std::string dir_;
  std::shared_ptr<SigningKey> key_;
};

std::string decompressed(const std::string& path) {
  const std::string out = path + ".plain";
  EXPECT_EQ(std::system(("zstd -q -d -f -o '" + out + "' '" + path + "'").c_str()), 0) << path;
  std::string text = read_file(out);
  fs::remove(out);
  return text;
}

// The docs/integrity.md formula, computed in one call.
std::string expected_hmac(const std::string& secret, const std::string& previous_hex,
                          std::uint64_t seq, const std::string& key_id, const std::string& object) {
  std::string message = "mld-chain-v1\n";
  for (std::size_t i = 0; i < previous_hex.size(); i += 2) {
    message.push_back(static_cast<char>(std::stoi(previous_hex.substr(i, 2), nullptr, 16)));
  }
  for (int i = 7; i >= 0; --i) message.push_back(static_cast<char>(seq >> (8 * i)));
  message += key_id + object;
  unsigned char mac[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  return to_hex(mac, length);
}

TEST_F(FileSinkTest, EveryLineCarriesTheChainMacOfTheSpec) {
  FileSinkOptions options;
  options.path = path("eve.json");
  options.signing_key = key_;
  auto sink = make_file_sink(options);
  sink->write(events(0, 5));
  sink->close();
  sink.reset();

  const std::vector<std::string> lines = lines_of(read_file(options.path));
  ASSERT_EQ(lines.size(), 7u);  // open, 5 events, seal
  std::string previous(64, '0');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string marker = ",\"integrity\":{\"seq\":";
    const std::size_t at = lines[i].rfind(marker);
    ASSERT_NE(at, std::string::npos) << lines[i];
    const nlohmann::json integrity = nlohmann::json::parse(lines[i])["integrity"];
    EXPECT_EQ(integrity["seq"], i + 1);
    EXPECT_EQ(integrity["key_id"], key_->id());
    const std::string object = lines[i].substr(0, at) + "}";
    EXPECT_EQ(integrity["hmac"], expected_hmac(std::string(32, 'k'), previous, i + 1,
                                               key_->id(), object))
        << "line " << i + 1;
    previous = integrity["hmac"];
  }
  const nlohmann::json open = nlohmann::json::parse(lines.front())["log"];
  EXPECT_EQ(open["action"], "open");
  EXPECT_EQ(open["reason"], "start");
  EXPECT_EQ(open["chain_prev"], std::string(64, '0'));
  const nlohmann::json seal = nlohmann::json::parse(lines.back())["log"];
  EXPECT_EQ(seal["action"], "seal");
  EXPECT_EQ(seal["lines"], 6);  // the open line and 5 events
  EXPECT_EQ(nlohmann::json::parse(lines[1])["n"], 0);
}

TEST_F(FileSinkTest, UnsignedLinesAreWrittenAsGiven) {
  FileSinkOptions options;
  options.path = path("plain.json");
  auto sink = make_file_sink(options);
  const EventBatch batch = events(0, 3);
  sink->write(batch);
  sink->close();
  EXPECT_EQ(read_file(options.path), std::string(batch.text.view()));
}

TEST_F(FileSinkTest, RotatesBySizeChainsAcrossFilesAndCompresses) {
  FileSinkOptions options;
  options.path = path("eve.json");
  options.signing_key = key_;
  options.rotate_size = 4000;  // ~40 events of ~100 bytes
  options.compress = true;
  auto sink = make_file_sink(options);
  for (int b = 0; b < 20; ++b) sink->write(events(b * 10, 10));
  sink->close();
  const std::uint64_t rotations = sink->rotations();
  sink.reset();  // waits for the compression of the last rotated file

  const std::vector<std::string> rotated = RotatedFiles(options.path).list();
  ASSERT_EQ(rotated.size(), rotations);
  ASSERT_GE(rotated.size(), 4u);
  std::vector<std::string> files;
  for (const std::string& file : rotated) {
    EXPECT_EQ(file.substr(file.size() - 9), ".json.zst") << file;
    files.push_back(decompressed(file));
  }
  files.push_back(read_file(options.path));

  // Oldest to newest: each file open..seal, seq without gaps, every event once in order.
  std::uint64_t seq = 0;
  int next_event = 0;
  std::string last_hmac(64, '0');
  for (std::size_t f = 0; f < files.size(); ++f) {
    const std::vector<std::string> lines = lines_of(files[f]);
    ASSERT_GE(lines.size(), 2u);
    const nlohmann::json open = nlohmann::json::parse(lines.front());
    EXPECT_EQ(open["log"]["action"], "open");
    EXPECT_EQ(open["log"]["reason"], f == 0 ? "start" : "rotation");
    EXPECT_EQ(open["log"]["chain_prev"], last_hmac);
    EXPECT_EQ(nlohmann::json::parse(lines.back())["log"]["action"], "seal");
    EXPECT_LE(files[f].size(), 4000u + 10 * 200u) << "file " << f;
    for (const std::string& line : lines) {
      const nlohmann::json event = nlohmann::json::parse(line);
      EXPECT_EQ(event["integrity"]["seq"], ++seq);
      last_hmac = event["integrity"]["hmac"];
      if (event["event_type"] == "flow") {
        EXPECT_EQ(event["n"], next_event++);
      }
    }
  }
  EXPECT_EQ(next_event, 200);
}

TEST_F(FileSinkTest, RetentionKeepsTheNewestFilesByCountAndBytes) {
  FileSinkOptions options;
  options.path = path("eve.json");
  options.rotate_size = 1000;
  options.retain_count = 3;
  auto sink = make_file_sink(options);
  for (int b = 0; b < 30; ++b) sink->write(events(b * 10, 10));
  sink->close();
  EXPECT_EQ(sink->rotations(), 30u);
  sink.reset();
  const std::vector<std::string> kept = RotatedFiles(options.path).list();
  ASSERT_EQ(kept.size(), 3u);
  // The newest three: the last events written before the active file.
  EXPECT_EQ(nlohmann::json::parse(lines_of(read_file(kept.back())).front())["n"], 290);

  RotatedFiles(options.path).enforce_retention(0, 2500);  // ~1 KiB each
  EXPECT_EQ(RotatedFiles(options.path).list().size(), 2u);
  EXPECT_TRUE(fs::exists(options.path)) << "the active file is never pruned";
}

TEST_F(FileSinkTest, RetentionLeavesOtherFilesAlone) {
  for (const char* name : {"eve.json.bak", "eve-notes.json", "other-20261121T224518.123456Z.json",
                           "eve-20261121T224518.123456Z.json"}) {
    std::ofstream(path(name)) << "x\n";
  }
  RotatedFiles(path("eve.json")).enforce_retention(0, 1);
  EXPECT_TRUE(fs::exists(path("eve.json.bak")));
  EXPECT_TRUE(fs::exists(path("eve-notes.json")));
  EXPECT_TRUE(fs::exists(path("other-20261121T224518.123456Z.json")));
  EXPECT_FALSE(fs::exists(path("eve-20261121T224518.123456Z.json")));
}

TEST_F(FileSinkTest, RotatesByTimeWhileIdle) {
  FileSinkOptions options;
  options.path = path("eve.json");
  options.rotate_interval = 50'000;  // 50 ms
  auto sink = make_file_sink(options);
  sink->write(events(0, 3));
  // An upper bound only: the rotation must have happened once 50 ms passed.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sink->rotations() == 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    sink->idle();
  }
  EXPECT_EQ(sink->rotations(), 1u);
  sink->idle();  // an empty file does not rotate again
  sink->close();
  ASSERT_EQ(RotatedFiles(options.path).list().size(), 1u);
  EXPECT_EQ(lines_of(read_file(RotatedFiles(options.path).list()[0])).size(), 3u);
}

TEST_F(FileSinkTest, AppendAfterACrashRepairsTheTornLineAndContinuesTheChain) {
  FileSinkOptions options;
  options.path = path("eve.json");
  options.signing_key = key_;
  options.append = true;
  {
    auto sink = make_file_sink(options);
    sink->write(events(0, 4));
    sink->idle();  // flushed; then the process "dies": no close, no seal
  }
  const std::string before = read_file(options.path);
  {
    std::ofstream torn(options.path, std::ios::app | std::ios::binary);
    torn << "{\"event_type\":\"flow\",\"n\":4,\"pa";  // the write the crash cut short
  }
  auto sink = make_file_sink(options);
  EXPECT_EQ(sink->torn_lines_repaired(), 1u);
  sink->write(events(5, 1));
  sink->close();
  sink.reset();

  const std::string after = read_file(options.path);
  ASSERT_EQ(after.substr(0, before.size()), before);
  const std::vector<std::string> lines = lines_of(after);
  ASSERT_EQ(lines.size(), 8u);  // open, 4 events, open, 1 event, seal
  const nlohmann::json restart = nlohmann::json::parse(lines[5]);
  EXPECT_EQ(restart["log"]["reason"], "restart");
  EXPECT_EQ(restart["log"]["previous_sealed"], false);
  EXPECT_EQ(restart["log"]["torn_line_repaired"], true);
  EXPECT_EQ(restart["log"]["chain_prev"], nlohmann::json::parse(lines[4])["integrity"]["hmac"]);
  EXPECT_EQ(restart["integrity"]["seq"], 6);
  EXPECT_EQ(nlohmann::json::parse(lines.back())["log"]["lines"], 2);
}

TEST_F(FileSinkTest, AppendToACleanlyClosedLogSaysItWasSealed) {
  FileSinkOptions options;
  options.path = path("eve.json");
  options.signing_key = key_;
  options.append = true;
  for (int run = 0; run < 2; ++run) {
    auto sink = make_file_sink(options);
    EXPECT_EQ(sink->torn_lines_repaired(), 0u);
    sink->write(events(run, 1));
    sink->close();
  }
  const std::vector<std::string> lines = lines_of(read_file(options.path));
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(nlohmann::json::parse(lines[3])["log"]["previous_sealed"], true);
  EXPECT_EQ(nlohmann::json::parse(lines.back())["integrity"]["seq"], 6);
}

TEST_F(FileSinkTest, TruncateModeStartsAFreshFile) {
  FileSinkOptions options;
  options.path = path("eve.json");
  std::ofstream(options.path) << "old content\n";
  auto sink = make_file_sink(options);
  sink->write(events(0, 1));
  sink->close();
  EXPECT_EQ(lines_of(read_file(options.path)).size(), 1u);
}

TEST_F(FileSinkTest, AnUnwritableDirectoryIsNamed) {
  FileSinkOptions options;
  options.path = path("missing/eve.json");
  try {
    make_file_sink(options);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(options.path), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mld::output
