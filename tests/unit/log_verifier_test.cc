// Signed logs built as docs/integrity.md describes the sensor's files (open
// line, events, seal line; rotation; restarts; key changes), then tampered
// with: every kind of tampering is named with its exact file and line.
#include "output/log_verifier.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "tools/pcap_builder.h"

namespace mld::output {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTimestamp = "\"timestamp\":\"2026-11-21T20:19:12.713702+0000\"";

// Writes a signed log, file by file, the way the sensor does.
class LogBuilder {
 public:
  explicit LogBuilder(const SigningKey& key, ChainState start = {})
      : signer_(std::make_unique<LineSigner>(key, start)) {}

  // An open line; `chain_prev` defaults to the true previous hmac.
  LogBuilder& open(std::string_view reason = "start", std::string chain_prev = {}) {
    if (chain_prev.empty()) chain_prev = to_hex(signer_->state().mac);
    sign("{" + std::string(kTimestamp) + ",\"event_type\":\"log\",\"log\":{\"action\":\"open\"," +
         "\"file\":\"eve.json\",\"reason\":\"" + std::string(reason) + "\",\"chain_prev\":\"" +
         chain_prev + "\"}}");
    since_open_ = 1;
    return *this;
  }

  LogBuilder& events(int count) {
    for (int i = 0; i < count; ++i) {
      ++flow_id_;
      sign("{" + std::string(kTimestamp) + ",\"flow_id\":" + std::to_string(flow_id_) +
           ",\"event_type\":\"flow\",\"src_ip\":\"192.0.2.10\",\"src_port\":41182," +
           "\"dest_ip\":\"192.0.2.20\",\"dest_port\":8080,\"proto\":\"TCP\",\"flow\":" +
           "{\"pkts_toserver\":" + std::to_string(flow_id_ % 97) + ",\"state\":\"closed\"}}");
    }
    return *this;
  }

  // A seal line; `lines` defaults to the true count since the open line.
  LogBuilder& seal(std::optional<std::uint64_t> lines = {}) {
    sign("{" + std::string(kTimestamp) + ",\"event_type\":\"log\",\"log\":{\"action\":\"seal\"," +
         "\"file\":\"eve.json\",\"lines\":" + std::to_string(lines.value_or(since_open_)) + "}}");
    return *this;
  }

  LogBuilder& line(const std::string& object) {
    sign(object);
    return *this;
  }

  // The file written so far; the next one starts empty.
  std::string take_file() { return std::exchange(text_, {}); }

  // The chain goes on, signed with another key (a key change at rotation).
  void change_key(const SigningKey& key) {
    signer_ = std::make_unique<LineSigner>(key, signer_->state());
  }

 private:
  void sign(const std::string& object) {
    TextBuffer out;
    signer_->append_signed(object, out);
    text_ += out.view();
    ++since_open_;
  }

  std::unique_ptr<LineSigner> signer_;
  std::string text_;
  std::uint64_t since_open_ = 0;
  int flow_id_ = 0;
};

// Lines with their '\n'.
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = std::min(text.find('\n', begin), text.size() - 1) + 1;
    lines.push_back(text.substr(begin, end - begin));
    begin = end;
  }
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line;
  return text;
}

std::string zstd_compress(const std::string& text) {
  std::string compressed(ZSTD_compressBound(text.size()), '\0');
  const std::size_t size =
      ZSTD_compress(compressed.data(), compressed.size(), text.data(), text.size(), 3);
  EXPECT_FALSE(ZSTD_isError(size));
  compressed.resize(size);
  return compressed;
}

class LogVerifier : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = testing::temp_path("verify-" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }

  // "ok", or the problem as verify names it.
  static std::string outcome(const VerifyResult& result) {
    return result.ok() ? "ok" : result.problem->to_string();
  }

  std::string verify(const std::vector<std::string>& paths, VerifyOptions options = {}) const {
    return outcome(verify_logs({key_}, paths, options));
  }

  // One file: open (line 1), six events (lines 2-7), seal (line 8).
  std::vector<std::string> single_file_lines() const {
    return split_lines(LogBuilder(key_).open().events(6).seal().take_file());
  }

  // Three rotated files of six lines each (seq 1-6, 7-12, 13-18), oldest first.
  std::vector<std::string> rotated_files(LogBuilder& log) const {
    std::vector<std::string> files;
    files.push_back(log.open("start").events(4).seal().take_file());
    files.push_back(log.open("rotation").events(4).seal().take_file());
    files.push_back(log.open("rotation").events(4).seal().take_file());
    return files;
  }

  std::string dir_;
  SigningKey key_{std::string(32, 'k')};
  SigningKey other_key_{std::string(32, 'o')};
};

TEST_F(LogVerifier, IntactFilePassesWithSummary) {
  const std::string file = write("eve.json", join(single_file_lines()));
  const VerifyResult result = verify_logs({key_}, {file});
  ASSERT_EQ(outcome(result), "ok");
  const ChainSummary& summary = result.summary;
  ASSERT_EQ(summary.files.size(), 1u);
  EXPECT_EQ(summary.files[0].path, file);
  EXPECT_FALSE(summary.files[0].compressed);
  EXPECT_EQ(summary.files[0].lines, 8u);
  EXPECT_EQ(summary.files[0].first_seq, 1u);
  EXPECT_EQ(summary.files[0].last_seq, 8u);
  EXPECT_TRUE(summary.files[0].sealed);
  EXPECT_EQ(summary.lines, 8u);
  EXPECT_EQ(summary.first_seq, 1u);
  EXPECT_EQ(summary.last_seq, 8u);
  EXPECT_EQ(summary.key_ids, std::vector<std::string>{key_.id()});
  EXPECT_TRUE(summary.starts_at_origin);
  EXPECT_TRUE(summary.newest_sealed);
}

TEST_F(LogVerifier, ModifiedByteIsNamed) {
  std::vector<std::string> lines = single_file_lines();
  const std::size_t port = lines[2].find("8080");
  ASSERT_NE(port, std::string::npos);
  lines[2][port] = '9';
  EXPECT_EQ(verify({write("eve.json", join(lines))}),
            path("eve.json") + ":3: modified (signature does not match)");
}

TEST_F(LogVerifier, ModifiedHmacIsNamed) {
  std::vector<std::string> lines = single_file_lines();
  const std::size_t hmac = lines[4].find("\"hmac\":\"") + 8;
  lines[4][hmac] = lines[4][hmac] == '0' ? '1' : '0';
  EXPECT_EQ(verify({write("eve.json", join(lines))}),
            path("eve.json") + ":5: modified (signature does not match)");
}

TEST_F(LogVerifier, InsertedUnsignedLine) {
  std::vector<std::string> lines = single_file_lines();
  lines.insert(lines.begin() + 3, "{\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\"}\n");
  EXPECT_EQ(verify({write("eve.json", join(lines))}), path("eve.json") + ":4: not a signed line");
}

TEST_F(LogVerifier, InsertedLineSignedWithAnotherKey) {
  std::vector<std::string> lines = single_file_lines();
  const std::string forged = LogBuilder(other_key_).events(1).take_file();
  lines.insert(lines.begin() + 3, forged);
  EXPECT_EQ(verify({write("eve.json", join(lines))}),
            path("eve.json") + ":4: signed with unknown key id " + other_key_.id());
}

TEST_F(LogVerifier, InsertedForgeryWithOurKeyIdAndNextSeq) {
  std::vector<std::string> lines = single_file_lines();
  // The forger continues the chain from line 3 with a key of their own and
  // writes our key id: seq and key id look right, the hmac cannot.
  const std::optional<SignedLine> third =
      parse_signed_line(lines[2].substr(0, lines[2].size() - 1));
  ASSERT_TRUE(third);
  std::string forged = LogBuilder(other_key_, {third->seq, third->mac}).events(1).take_file();
  const std::size_t id = forged.find(other_key_.id());
  forged.replace(id, other_key_.id().size(), key_.id());
  lines.insert(lines.begin() + 3, forged);
  EXPECT_EQ(verify({write("eve.json", join(lines))}),
            path("eve.json") + ":4: modified (signature does not match)");
}

TEST_F(LogVerifier, DeletedLine) {
  std::vector<std::string> lines = single_file_lines();
  lines.erase(lines.begin() + 3);  // seq 4
  EXPECT_EQ(verify({write("eve.json", join(lines))}),
            path("eve.json") + ":4: lines deleted before this one (seq 4 missing)");
}

TEST_F(LogVerifier, DeletedSeveralLines) {
  std::vector<std::string> lines = single_file_lines();
  lines.erase(lines.begin() + 2, lines.begin() + 5);  // seq 3, 4, 5
  EXPECT_EQ(verify({write("eve.json", join(lines))}),
            path("eve.json") + ":3: lines deleted before this one (seq 3..5 missing)");
}

TEST_F(LogVerifier, DeletedOpenLineOfLaterFile) {
  LogBuilder log(key_);
  std::vector<std::string> files = rotated_files(log);
  files[1].erase(0, files[1].find('\n') + 1);  // seq 7
  const std::string a = write("eve.json.2", files[0]);
  const std::string b = write("eve.json.1", files[1]);
  const std::string c = write("eve.json", files[2]);
  EXPECT_EQ(verify({a, b, c}), b + ":1: lines deleted before this one (seq 7 missing)");
}

TEST_F(LogVerifier, DeletedFirstLineOfOnlyFile) {
  std::vector<std::string> lines = single_file_lines();
  lines.erase(lines.begin());
  EXPECT_EQ(verify({write("eve.json", join(lines))}),
            path("eve.json") + ":1: does not start with an open line");
}

TEST_F(LogVerifier, SwappedNeighbours) {
  std::vector<std::string> lines = single_file_lines();
  std::swap(lines[3], lines[4]);  // seq 4 and 5
  EXPECT_EQ(verify({write("eve.json", join(lines))}),
            path("eve.json") + ":5: out of order (seq 4 after 5)");
}

TEST_F(LogVerifier, LineMovedFurtherDown) {
  std::vector<std::string> lines = single_file_lines();
  const std::string moved = lines[2];  // seq 3 goes after seq 6
  lines.erase(lines.begin() + 2);
  lines.insert(lines.begin() + 5, moved);
  EXPECT_EQ(verify({write("eve.json", join(lines))}),
            path("eve.json") + ":6: out of order (seq 3 after 6)");
}

TEST_F(LogVerifier, LineMovedFurtherUp) {
  std::vector<std::string> lines = single_file_lines();
  const std::string moved = lines[5];  // seq 6 goes before seq 3
  lines.erase(lines.begin() + 5);
  lines.insert(lines.begin() + 2, moved);
  EXPECT_EQ(verify({write("eve.json", join(lines))}),
            path("eve.json") + ":4: out of order (seq 3 after 6)");
}

TEST_F(LogVerifier, ReplayedLine) {
  std::vector<std::string> lines = single_file_lines();
  lines.insert(lines.begin() + 5, lines[2]);  // seq 3 again after seq 5
  const std::string file = write("eve.json", join(lines));
  EXPECT_EQ(verify({file}), file + ":6: replayed (same line as " + file + ":3)");
}

TEST_F(LogVerifier, ReplayedLineRightAfterItself) {
  std::vector<std::string> lines = single_file_lines();
  lines.insert(lines.begin() + 3, lines[3]);
  const std::string file = write("eve.json", join(lines));
  EXPECT_EQ(verify({file}), file + ":5: replayed (same line as " + file + ":4)");
}

TEST_F(LogVerifier, ReplayedLineFromAnEarlierFile) {
  LogBuilder log(key_);
  std::vector<std::string> files = rotated_files(log);
  std::vector<std::string> newest = split_lines(files[2]);
  newest.insert(newest.begin() + 2, split_lines(files[0])[3]);  // seq 4 inside seq 13-18
  const std::string a = write("eve.json.2", files[0]);
  const std::string b = write("eve.json.1", files[1]);
  const std::string c = write("eve.json", join(newest));
  EXPECT_EQ(verify({c, a, b}), c + ":3: replayed (same line as " + a + ":4)");
}

TEST_F(LogVerifier, ReplayedSignatureOnOtherContentIsModified) {
  std::vector<std::string> lines = single_file_lines();
  std::string copy = lines[2];
  copy.replace(copy.find("8080"), 4, "8081");
  lines.insert(lines.begin() + 5, copy);
  EXPECT_EQ(verify({write("eve.json", join(lines))}),
            path("eve.json") + ":6: modified (signature does not match)");
}

TEST_F(LogVerifier, CutOffSealIsNamedUnlessAllowed) {
  std::vector<std::string> lines = single_file_lines();
  lines.pop_back();
  const std::string file = write("eve.json", join(lines));
  EXPECT_EQ(verify({file}), file + ": ends without a seal line (cut off)");
  const VerifyResult result = verify_logs({key_}, {file}, {.allow_unsealed = true});
  ASSERT_EQ(outcome(result), "ok");
  EXPECT_FALSE(result.summary.newest_sealed);
  EXPECT_EQ(result.summary.last_seq, 7u);
}

TEST_F(LogVerifier, CutOffSeveralLines) {
  std::vector<std::string> lines = single_file_lines();
  lines.resize(4);
  const std::string file = write("eve.json", join(lines));
  EXPECT_EQ(verify({file}), file + ": ends without a seal line (cut off)");
}

TEST_F(LogVerifier, TornLastLine) {
  std::string text = join(single_file_lines());
  text.pop_back();  // the seal's newline
  const std::string file = write("eve.json", text);
  EXPECT_EQ(verify({file}), file + ":8: torn last line (no newline)");
  EXPECT_EQ(verify({file}, {.allow_unsealed = true}), file + ":8: torn last line (no newline)");
}

TEST_F(LogVerifier, TornHalfLine) {
  std::string text = join(single_file_lines());
  text.resize(text.size() - 40);
  const std::string file = write("eve.json", text);
  EXPECT_EQ(verify({file}), file + ":8: torn last line (no newline)");
}

TEST_F(LogVerifier, UnknownKey) {
  const std::string file = write("eve.json", join(single_file_lines()));
  EXPECT_EQ(outcome(verify_logs({other_key_}, {file})),
            file + ":1: signed with unknown key id " + key_.id());
}

TEST_F(LogVerifier, RotatedFilesInShuffledOrderPass) {
  LogBuilder log(key_);
  const std::vector<std::string> files = rotated_files(log);
  const std::string a = write("eve.json.2", files[0]);
  const std::string b = write("eve.json.1", files[1]);
  const std::string c = write("eve.json", files[2]);
  const VerifyResult result = verify_logs({key_}, {c, a, b});
  ASSERT_EQ(outcome(result), "ok");
  ASSERT_EQ(result.summary.files.size(), 3u);
  EXPECT_EQ(result.summary.files[0].path, a);
  EXPECT_EQ(result.summary.files[1].path, b);
  EXPECT_EQ(result.summary.files[2].path, c);
  EXPECT_EQ(result.summary.files[1].first_seq, 7u);
  EXPECT_EQ(result.summary.files[1].last_seq, 12u);
  EXPECT_EQ(result.summary.lines, 18u);
  EXPECT_EQ(result.summary.last_seq, 18u);
  EXPECT_TRUE(result.summary.starts_at_origin);
  EXPECT_TRUE(result.summary.newest_sealed);
}

TEST_F(LogVerifier, MissingMiddleFileIsDeletedLines) {
  LogBuilder log(key_);
  const std::vector<std::string> files = rotated_files(log);
  const std::string a = write("eve.json.2", files[0]);
  const std::string c = write("eve.json", files[2]);
  EXPECT_EQ(verify({c, a}), c + ":1: lines deleted before this one (seq 7..12 missing)");
}

TEST_F(LogVerifier, KeyChangeBetweenFilesNeedsBothKeys) {
  LogBuilder log(key_);
  const std::string first = log.open().events(3).seal().take_file();
  log.change_key(other_key_);
  const std::string second = log.open("rotation").events(3).seal().take_file();
  const std::string a = write("eve.json.1", first);
  const std::string b = write("eve.json", second);

  const VerifyResult result = verify_logs({other_key_, key_}, {b, a});
  ASSERT_EQ(outcome(result), "ok");
  EXPECT_EQ(result.summary.key_ids, (std::vector<std::string>{key_.id(), other_key_.id()}));
  EXPECT_EQ(result.summary.files[1].key_ids, std::vector<std::string>{other_key_.id()});

  EXPECT_EQ(verify({a, b}), b + ":1: signed with unknown key id " + other_key_.id());
}

TEST_F(LogVerifier, CompressedFilesAcrossReadChunksVerify) {
  // Big enough files that lines straddle the reader's 64 KiB chunks.
  LogBuilder log(key_);
  const std::string first = log.open().events(2000).seal().take_file();
  const std::string second = log.open("rotation").events(2000).seal().take_file();
  const std::string third = log.open("rotation").events(10).take_file();
  ASSERT_GT(first.size(), 4u << 16);
  const std::string a = write("eve.json.2.zst", zstd_compress(first));
  const std::string b = write("eve.json.1", second);
  const std::string c = write("eve.json", third);
  const VerifyResult result = verify_logs({key_}, {c, b, a}, {.allow_unsealed = true});
  ASSERT_EQ(outcome(result), "ok");
  EXPECT_TRUE(result.summary.files[0].compressed);
  EXPECT_FALSE(result.summary.files[1].compressed);
  EXPECT_EQ(result.summary.lines, 2002u + 2002u + 11u);
  EXPECT_FALSE(result.summary.newest_sealed);
}

TEST_F(LogVerifier, TamperedCompressedFileNamesTheLine) {
  LogBuilder log(key_);
  std::vector<std::string> lines = split_lines(log.open().events(1500).seal().take_file());
  lines[1234].replace(lines[1234].find("192.0.2.20"), 10, "192.0.2.21");
  const std::string file = write("eve.json.1.zst", zstd_compress(join(lines)));
  EXPECT_EQ(verify({file}), file + ":1235: modified (signature does not match)");
}

TEST_F(LogVerifier, TruncatedCompressedFile) {
  LogBuilder log(key_);
  const std::string compressed = zstd_compress(log.open().events(1500).seal().take_file());
  const std::string file = write("eve.json.1.zst", compressed.substr(0, compressed.size() / 2));
  const std::string problem = verify({file});
  // The lines decoded before the cut verify; the problem is at the next one.
  EXPECT_TRUE(problem.starts_with(file + ":")) << problem;
  EXPECT_TRUE(problem.ends_with(": compressed data ends inside a zstd frame (cut off)")) << problem;
}

TEST_F(LogVerifier, DamagedCompressedData) {
  LogBuilder log(key_);
  std::string compressed = zstd_compress(log.open().events(10).seal().take_file());
  compressed.resize(compressed.size() - 3);
  compressed += "\xff\xff\xff\xff\xff\xff\xff\xff";
  const std::string file = write("eve.json.1.zst", compressed);
  const std::string problem = verify({file});
  EXPECT_TRUE(problem.starts_with(file + ":1: compressed data")) << problem;
}

TEST_F(LogVerifier, ConcatenatedZstdFramesReadAsOneFile) {
  const std::vector<std::string> lines = single_file_lines();
  const std::string head = join({lines.begin(), lines.begin() + 3});
  const std::string tail = join({lines.begin() + 3, lines.end()});
  const std::string file = write("eve.json.zst", zstd_compress(head) + zstd_compress(tail));
  EXPECT_EQ(verify({file}), "ok");
}

TEST_F(LogVerifier, RetentionDeletedOldestFileChainStartsLater) {
  LogBuilder log(key_);
  const std::vector<std::string> files = rotated_files(log);
  const std::string b = write("eve.json.1", files[1]);
  const std::string c = write("eve.json", files[2]);
  const VerifyResult result = verify_logs({key_}, {c, b});
  ASSERT_EQ(outcome(result), "ok");
  EXPECT_FALSE(result.summary.starts_at_origin);
  EXPECT_EQ(result.summary.first_seq, 7u);
  EXPECT_EQ(result.summary.last_seq, 18u);
  EXPECT_EQ(result.summary.lines, 12u);
}

TEST_F(LogVerifier, RetentionStartStillChecksTheOpenLine) {
  LogBuilder log(key_);
  const std::vector<std::string> files = rotated_files(log);
  std::string middle = files[1];
  // A different chain_prev on the open line: its own MAC no longer verifies.
  const std::size_t prev = middle.find("\"chain_prev\":\"") + 14;
  middle[prev] = middle[prev] == 'a' ? 'b' : 'a';
  const std::string b = write("eve.json.1", middle);
  EXPECT_EQ(verify({b}), b + ":1: modified (signature does not match)");
}

TEST_F(LogVerifier, NonNewestFileWithoutSeal) {
  LogBuilder log(key_);
  const std::string first = log.open().events(3).take_file();
  const std::string second = log.open("rotation").events(3).seal().take_file();
  const std::string a = write("eve.json.1", first);
  const std::string b = write("eve.json", second);
  EXPECT_EQ(verify({b, a}), a + ": ends without a seal line (cut off; " + b + " follows it)");
  EXPECT_EQ(verify({b, a}, {.allow_unsealed = true}),
            a + ": ends without a seal line (cut off; " + b + " follows it)");
}

TEST_F(LogVerifier, FileThatDoesNotStartWithAnOpenLine) {
  LogBuilder log(key_);
  const std::string first = log.open().events(3).seal().take_file();
  const std::string second = log.events(3).seal().take_file();  // no open line
  const std::string a = write("eve.json.1", first);
  const std::string b = write("eve.json", second);
  EXPECT_EQ(verify({a, b}), b + ":1: does not start with an open line");
}

TEST_F(LogVerifier, OpenLineWithWrongChainPrev) {
  LogBuilder log(key_);
  const std::string first = log.open().events(3).seal().take_file();
  const std::string second =
      log.open("rotation", std::string(64, 'e')).events(3).seal().take_file();
  const std::string a = write("eve.json.1", first);
  const std::string b = write("eve.json", second);
  EXPECT_EQ(verify({a, b}), b + ":1: open line's chain_prev is not the previous line's hmac");
}

TEST_F(LogVerifier, SealWithWrongLineCount) {
  const std::string file = write("eve.json", LogBuilder(key_).open().events(6).seal(6).take_file());
  EXPECT_EQ(verify({file}), file + ":8: seal says 6 lines since the open line, but there are 7");
}

TEST_F(LogVerifier, EventAfterSeal) {
  const std::string file =
      write("eve.json", LogBuilder(key_).open().events(2).seal().events(1).seal().take_file());
  EXPECT_EQ(verify({file}), file + ":5: line after a seal is not an open line");
}

TEST_F(LogVerifier, RestartsInAppendModeContinueTheChain) {
  // Killed (no seal), restarted; then sealed, restarted again; sealed.
  const std::string text = LogBuilder(key_)
                               .open()
                               .events(3)
                               .open("restart")
                               .events(2)
                               .seal()
                               .open("restart")
                               .events(1)
                               .seal()
                               .take_file();
  const VerifyResult result = verify_logs({key_}, {write("eve.json", text)});
  ASSERT_EQ(outcome(result), "ok");
  EXPECT_EQ(result.summary.lines, 11u);
}

TEST_F(LogVerifier, StringsThatLookLikeFramingAreJustContent) {
  // Escaped quotes inside strings and nested objects cannot make an event
  // look like an open or seal line.
  const std::string text =
      LogBuilder(key_)
          .open()
          .line(
              "{\"event_type\":\"http\",\"http\":{\"uri\":\"/\\\"event_type\\\":\\\"log\\\"\","
              "\"log\":{\"action\":\"seal\",\"lines\":1}},\"tags\":[\"}\",{\"a\":[]}]}")
          .line("{\"event_type\":\"log\",\"log\":{\"action\":\"rotate-hint\",\"note\":\"x\"}}")
          .seal()
          .take_file();
  EXPECT_EQ(verify({write("eve.json", text)}), "ok");
}

TEST_F(LogVerifier, EveryOneByteChangeIsCaught) {
  LogBuilder log(key_);
  const std::string text = log.open().events(3).seal().take_file();
  const std::string file = path("eve.json");
  std::uint32_t random = 12345;
  for (int round = 0; round < 400; ++round) {
    random = random * 1103515245 + 12345;  // deterministic: a failure can be replayed
    std::string changed = text;
    const std::size_t at = (random >> 8) % changed.size();
    changed[at] = static_cast<char>(changed[at] ^ (1 + (random >> 24) % 255));
    write("eve.json", changed);
    const VerifyResult result = verify_logs({key_}, {file});
    ASSERT_FALSE(result.ok()) << "byte " << at;
    EXPECT_EQ(result.problem->file, file);
  }
}

TEST_F(LogVerifier, EmptyFile) {
  const std::string file = write("eve.json", "");
  EXPECT_EQ(verify({file}), file + ": empty file (no open line)");
}

TEST_F(LogVerifier, GarbageFirstLine) {
  const std::string file = write("eve.json", "hello\n" + join(single_file_lines()));
  EXPECT_EQ(verify({file}), file + ":1: not a signed line");
}

TEST_F(LogVerifier, UnreadableFileThrowsNamingIt) {
  const std::string missing = path("missing.json");
  try {
    verify_logs({key_}, {missing});
    FAIL() << "no exception";
  } catch (const LogReadError& e) {
    EXPECT_EQ(std::string(e.what()), missing + ": No such file or directory");
  }
  try {
    verify_logs({key_}, {dir_});
    FAIL() << "no exception";
  } catch (const LogReadError& e) {
    EXPECT_EQ(std::string(e.what()), dir_ + ": Is a directory");
  }
}

}  // namespace
}  // namespace mld::output
