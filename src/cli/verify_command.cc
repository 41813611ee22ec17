#include "cli/verify_command.h"

#include <fmt/core.h>

#include <stdexcept>
#include <string_view>

#include "output/log_verifier.h"

namespace mld::cli {
namespace {

constexpr int kVerified = 0;
constexpr int kProblem = 1;
constexpr int kUnreadable = 2;

void report(const std::string& line) { fmt::print(stderr, "mldefender: {}\n", line); }

// A log passed where a key belongs would "verify" nothing it should: refuse
// it. Random key bytes never parse as a signed line.
output::SigningKey load_key(const std::string& path) {
  output::SigningKey key = output::SigningKey::load(path);
  const std::string_view secret = key.secret();
  if (output::parse_signed_line(secret.substr(0, secret.find('\n')))) {
    throw std::runtime_error("signing key " + path + ": this is a signed log, not a key");
  }
  return key;
}

std::string join(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return joined;
}

// "1 line", "2 lines"
std::string count(std::uint64_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

std::string keys_phrase(const std::vector<std::string>& key_ids) {
  return (key_ids.size() == 1 ? "key " : "keys ") + join(key_ids);
}

// "eve.json.1.zst: seq 11..20, 10 lines, key 9f2c0a1b2c3d4e5f, sealed"
void print_file(const output::VerifiedFile& file) {
  fmt::print("{}: seq {}..{}, {}, {}, {}\n", file.path, file.first_seq, file.last_seq,
             count(file.lines, "line"), keys_phrase(file.key_ids),
             file.sealed ? "sealed" : "not sealed");
}

// The last line: what was proved, and where the proof starts and ends.
void print_total(const output::ChainSummary& summary) {
  const std::string start =
      summary.starts_at_origin
          ? "the chain starts at seq 1"
          : fmt::format(
                "the chain starts at seq {} (older lines deleted; anchored by its open "
                "line's chain_prev)",
                summary.first_seq);
  const char* end = summary.newest_sealed ? "the newest file is sealed"
                                          : "the newest file is not sealed (still being written?)";
  fmt::print("verified: {}, {}, seq {}..{}, {}; {}; {}\n", count(summary.files.size(), "file"),
             count(summary.lines, "line"), summary.first_seq, summary.last_seq,
             keys_phrase(summary.key_ids), start, end);
}

}  // namespace

int verify_command(const VerifyArguments& arguments) {
  try {
    std::vector<output::SigningKey> keys;
    for (const std::string& path : arguments.key_files) {
      keys.push_back(load_key(path));
    }
    const output::VerifyResult result =
        output::verify_logs(keys, arguments.files, {.allow_unsealed = arguments.allow_unsealed});
    if (!result.ok()) {
      report(result.problem->to_string());
      return kProblem;
    }
    for (const output::VerifiedFile& file : result.summary.files) print_file(file);
    print_total(result.summary);
    return kVerified;
  } catch (const std::exception& e) {
    // Keys that cannot be read and logs that cannot be read (the message
    // names the file); nothing was verified.
    report(std::string("error: ") + e.what());
    return kUnreadable;
  }
}

}  // namespace mld::cli
