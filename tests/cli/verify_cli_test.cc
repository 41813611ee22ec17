// `mldefender verify` end to end: exit status 0/1/2, the summary on stdout,
// and one line on stderr naming the file and line of the first problem.
//
// The logs are signed here by a small SHA-256/HMAC written from FIPS 180-4 and
// RFC 2104 and the format in docs/integrity.md, independent of the sensor's
// signer (this binary does not link the library), so the test also checks
// that the binary follows the documented format.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_support.h"
#include "tools/pcap_builder.h"

namespace mld::testing {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// SHA-256 and HMAC-SHA256, for small messages

std::uint32_t rotate_right(std::uint32_t x, int n) { return x >> n | x << (32 - n); }

std::string sha256(std::string_view message) {
  static constexpr std::uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};
  std::uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string padded(message);
  padded += '\x80';
  while (padded.size() % 64 != 56) padded += '\0';
  const std::uint64_t bits = std::uint64_t{message.size()} * 8;
  for (int i = 7; i >= 0; --i) padded += static_cast<char>(bits >> (8 * i));
  for (std::size_t block = 0; block < padded.size(); block += 64) {
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      w[i] = 0;
      for (int j = 0; j < 4; ++j) {
        w[i] = w[i] << 8 | static_cast<std::uint8_t>(padded[block + 4 * i + j]);
      }
    }
    for (int i = 16; i < 64; ++i) {
      const std::uint32_t s0 =
          rotate_right(w[i - 15], 7) ^ rotate_right(w[i - 15], 18) ^ w[i - 15] >> 3;
      const std::uint32_t s1 =
          rotate_right(w[i - 2], 17) ^ rotate_right(w[i - 2], 19) ^ w[i - 2] >> 10;
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      const std::uint32_t s1 = rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25);
      const std::uint32_t t1 = hh + s1 + ((e & f) ^ (~e & g)) + k[i] + w[i];
      const std::uint32_t s0 = rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22);
      const std::uint32_t t2 = s0 + ((a & b) ^ (a & c) ^ (b & c));
      hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    const std::uint32_t v[8] = {a, b, c, d, e, f, g, hh};
    for (int i = 0; i < 8; ++i) h[i] += v[i];
  }
  std::string digest;
  for (std::uint32_t word : h) {
    for (int i = 3; i >= 0; --i) digest += static_cast<char>(word >> (8 * i));
  }
  return digest;
}

std::string hmac_sha256(std::string key, std::string_view message) {
  if (key.size() > 64) key = sha256(key);
  key.resize(64, '\0');
  std::string inner = key, outer = key;
  for (char& c : inner) c ^= 0x36;
  for (char& c : outer) c ^= 0x5c;
  return sha256(outer + sha256(inner + std::string(message)));
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (unsigned char byte : bytes) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 0xF];
  }
  return text;
}

// ---------------------------------------------------------------------------
// Signed logs as docs/integrity.md defines them

class SignedLog {
 public:
  explicit SignedLog(std::string key) : key_(std::move(key)) {
    key_id_ = hex(sha256("mld-key-id\n" + key_)).substr(0, 16);
  }

  void open(const std::string& reason) {
    sign(R"({"timestamp":"2026-11-21T20:19:12.713702+0000","event_type":"log","log":)"
         R"({"action":"open","file":"eve.json","reason":")" +
         reason + R"(","chain_prev":")" + hex(previous_) + "\"}}");
    since_open_ = 1;
  }

  void event() {
    sign(R"({"timestamp":"2026-11-21T20:19:12.713702+0000","flow_id":)" + std::to_string(seq_) +
         R"(,"event_type":"flow","src_ip":"192.0.2.10","dest_ip":"192.0.2.20","proto":"TCP"})");
  }

  void seal() {
    sign(R"({"timestamp":"2026-11-21T20:19:12.713702+0000","event_type":"log","log":)"
         R"({"action":"seal","file":"eve.json","lines":)" +
         std::to_string(since_open_) + "}}");
  }

  // One file: open line, `events` events, seal line (unless `sealed` is false).
  std::string file(const std::string& reason, int events, bool sealed = true) {
    open(reason);
    for (int i = 0; i < events; ++i) event();
    if (sealed) seal();
    return std::exchange(text_, {});
  }

  const std::string& key_id() const { return key_id_; }

 private:
  void sign(const std::string& object) {
    ++seq_;
    std::string seq_bytes;
    for (int i = 7; i >= 0; --i) seq_bytes += static_cast<char>(seq_ >> (8 * i));
    previous_ = hmac_sha256(key_, "mld-chain-v1\n" + previous_ + seq_bytes + key_id_ + object);
    text_ += object.substr(0, object.size() - 1) + R"(,"integrity":{"seq":)" +
             std::to_string(seq_) + R"(,"key_id":")" + key_id_ + R"(","hmac":")" + hex(previous_) +
             "\"}}\n";
    ++since_open_;
  }

  std::string key_;
  std::string key_id_;
  std::string previous_ = std::string(32, '\0');
  std::uint64_t seq_ = 0;
  std::uint64_t since_open_ = 0;
  std::string text_;
};

// ---------------------------------------------------------------------------
// Running the binary


class VerifyCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = temp_path("verify-cli-" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    key_file_ = write("log.key", key_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << text;
    return dir_ + "/" + name;
  }

  // The logs first: `--key-file K LOG...` also works once the option takes
  // one value per flag (KeyFileOptionTakesOneValue).
  Result verify(const std::string& arguments) const {
    return shell(std::string(MLD_BINARY) + " verify " + arguments + " --key-file " + key_file_);
  }

  // Two rotated files: eve.json.1 (seq 1..5) and eve.json (seq 6..10, or 6..9 unsealed).
  void write_rotated_pair(bool newest_sealed = true) {
    older_ = write("eve.json.1", log_.file("start", 3));
    newest_ = write("eve.json", log_.file("rotation", 3, newest_sealed));
  }

  std::string dir_;
  std::string key_ = std::string(32, 'K');
  std::string key_file_;
  SignedLog log_{key_};
  std::string older_, newest_;
};

TEST(VerifyCliHmac, MatchesRfc4231TestCase2) {
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_F(VerifyCli, IntactLogsExitZeroWithASummary) {
  write_rotated_pair();
  const Result r = verify(newest_ + " " + older_);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string& id = log_.key_id();
  EXPECT_EQ(r.out, older_ + ": seq 1..5, 5 lines, key " + id + ", sealed\n" + newest_ +
                       ": seq 6..10, 5 lines, key " + id + ", sealed\n" +
                       "verified: 2 files, 10 lines, seq 1..10, key " + id +
                       "; the chain starts at seq 1; the newest file is sealed\n");
}

TEST_F(VerifyCli, ModifiedLineExitsOneNamingFileAndLine) {
  write_rotated_pair();
  std::string text = read_file(newest_);
  text.replace(text.find("192.0.2.20"), 10, "192.0.2.99");
  write("eve.json", text);
  const Result r = verify(older_ + " " + newest_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "mldefender: " + newest_ + ":2: modified (signature does not match)\n");
}

TEST_F(VerifyCli, DeletedLinesExitOne) {
  write_rotated_pair();
  std::string text = read_file(older_);
  const std::size_t second = text.find('\n') + 1;
  text.erase(second, text.find('\n', second) + 1 - second);
  write("eve.json.1", text);
  const Result cut = verify(older_ + " " + newest_);
  EXPECT_EQ(cut.status, 1);
  EXPECT_EQ(cut.err,
            "mldefender: " + older_ + ":2: lines deleted before this one (seq 2 missing)\n");
}

TEST_F(VerifyCli, RetentionSummaryNamesWhereTheChainStarts) {
  write_rotated_pair();
  const Result r = verify(newest_);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("verified: 1 file, 5 lines, seq 6..10, key " + log_.key_id() +
                       "; the chain starts at seq 6 (older lines deleted; anchored by its open "
                       "line's chain_prev); the newest file is sealed\n"),
            std::string::npos)
      << r.out;
}

TEST_F(VerifyCli, CutOffTailFailsUnlessAllowed) {
  write_rotated_pair(/*newest_sealed=*/false);
  const Result r = verify(older_ + " " + newest_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "mldefender: " + newest_ + ": ends without a seal line (cut off)\n");
  const Result allowed = verify("--allow-unsealed " + older_ + " " + newest_);
  EXPECT_EQ(allowed.status, 0) << allowed.err;
  EXPECT_NE(
      allowed.out.find(newest_ + ": seq 6..9, 4 lines, key " + log_.key_id() + ", not sealed\n"),
      std::string::npos)
      << allowed.out;
  EXPECT_NE(allowed.out.find("the newest file is not sealed (still being written?)"),
            std::string::npos)
      << allowed.out;
}

TEST_F(VerifyCli, TornLastLineExitsOne) {
  write_rotated_pair();
  std::string text = read_file(newest_);
  text.pop_back();
  write("eve.json", text);
  const Result r = verify(older_ + " " + newest_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "mldefender: " + newest_ + ":5: torn last line (no newline)\n");
}

TEST_F(VerifyCli, UnknownKeyExitsOne) {
  write_rotated_pair();
  const std::string other = write("other.key", std::string(40, 'x'));
  const Result r = shell(std::string(MLD_BINARY) + " verify " + older_ + " --key-file " + other);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "mldefender: " + older_ + ":1: signed with unknown key id " + log_.key_id() + "\n");
}

TEST_F(VerifyCli, SecondKeyFileIsUsed) {
  write_rotated_pair();
  const std::string other = write("other.key", std::string(40, 'x'));
  const Result r = shell(std::string(MLD_BINARY) + " verify " + older_ + " " + newest_ +
                         " --key-file " + other + " --key-file " + key_file_);
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(VerifyCli, UnreadableLogExitsTwoNamingIt) {
  const std::string missing = dir_ + "/missing.json";
  const Result r = verify(missing);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "mldefender: error: " + missing + ": No such file or directory\n");
}

TEST_F(VerifyCli, BadKeyFilesExitTwoNamingThem) {
  write_rotated_pair();
  const std::string short_key = write("short.key", "12345");
  Result r = shell(std::string(MLD_BINARY) + " verify " + older_ + " --key-file " + short_key);
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.err.starts_with("mldefender: error: signing key " + short_key + ": 5 bytes"))
      << r.err;
  const std::string missing = dir_ + "/missing.key";
  r = shell(std::string(MLD_BINARY) + " verify " + older_ + " --key-file " + missing);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "mldefender: error: signing key " + missing + ": No such file or directory\n");
}

TEST_F(VerifyCli, KeyFileThatIsALogIsRefused) {
  write_rotated_pair();
  const Result r = shell(std::string(MLD_BINARY) + " verify " + newest_ + " --key-file " +
                         key_file_ + " --key-file " + older_);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "mldefender: error: signing key " + older_ + ": this is a signed log, not a key\n");
}

// The documented form: every log after the key must be verified, none taken
// for a second key value.
TEST_F(VerifyCli, KeyFileOptionTakesOneValue) {
  write_rotated_pair();
  const Result r = shell(std::string(MLD_BINARY) + " verify --key-file " + key_file_ + " " +
                         older_ + " " + newest_);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("verified: 2 files, 10 lines"), std::string::npos) << r.out;
}

TEST_F(VerifyCli, ZstdCompressedRotationVerifies) {
  if (shell("command -v zstd").status != 0) GTEST_SKIP() << "no zstd command";
  write_rotated_pair();
  ASSERT_EQ(shell("zstd -q --rm " + older_).status, 0);
  const Result r = verify(newest_ + " " + older_ + ".zst");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with(older_ + ".zst: seq 1..5, 5 lines")) << r.out;
}

}  // namespace
}  // namespace mld::testing
