#include "output/log_verifier.h"

#include "output/log_line_reader.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string_view>

namespace mld::output {
namespace {

// The text of line `number` (1-based) of `path`; empty when it has none.
std::string read_line_at(const std::string& path, std::uint64_t number) {
  LineReader reader(path);
  while (const std::optional<RawLine> line = reader.next()) {
    if (reader.line_number() == number) return std::string(line->text);
  }
  return {};
}

// ---------------------------------------------------------------------------
// Reading the few JSON members of open and seal lines

// Just enough JSON for log lines: the members of one object, each value as
// raw text. Nested values are skipped by counting brackets (strings honoured),
// so hostile text cannot make it recurse; malformed text ends the walk.
class JsonMembers {
 public:
  // `object` starts with '{'; its closing '}' may be missing (a signed line's
  // object comes without it).
  explicit JsonMembers(std::string_view object)
      : text_(object), pos_(object.starts_with('{') ? 1 : object.size()) {}

  // The next member; false at the end of the object or at malformed text.
  bool next(std::string_view& key, std::string_view& value) {
    skip_space();
    if (!first_) {
      if (!take(',')) return false;
      skip_space();
    }
    first_ = false;
    const std::size_t key_start = pos_;
    if (!skip_string()) return false;
    key = text_.substr(key_start + 1, pos_ - key_start - 2);
    skip_space();
    if (!take(':')) return false;
    skip_space();
    const std::size_t value_start = pos_;
    if (!skip_value()) return false;
    value = text_.substr(value_start, pos_ - value_start);
    return true;
  }

 private:
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  static bool ends_scalar(char c) { return is_space(c) || c == ',' || c == '}' || c == ']'; }

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }

  bool take(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  bool skip_string() {
    if (!take('"')) return false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (c == '\\') ++pos_;
    }
    return false;
  }

  bool skip_value() {
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == '"') return skip_string();
    if (c == '{' || c == '[') return skip_nested();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && !ends_scalar(text_[pos_])) ++pos_;
    return pos_ > start;
  }

  bool skip_nested() {
    std::size_t depth = 0;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"') {
        if (!skip_string()) return false;
        continue;
      }
      ++pos_;
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return true;
    }
    return false;
  }

  std::string_view text_;
  std::size_t pos_;
  bool first_ = true;
};

// The content of a JSON string without escapes (all the values we read).
std::optional<std::string_view> plain_string(std::string_view raw) {
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') return std::nullopt;
  raw = raw.substr(1, raw.size() - 2);
  if (raw.find('\\') != std::string_view::npos) return std::nullopt;
  return raw;
}

std::optional<std::uint64_t> plain_unsigned(std::string_view raw) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
  if (error != std::errc{} || end != raw.data() + raw.size()) return std::nullopt;
  return value;
}

// What a line means for the framing of files.
struct LineRole {
  enum class Kind { kEvent, kOpen, kSeal } kind = Kind::kEvent;
  std::optional<Mac> chain_prev;       // open lines
  std::optional<std::uint64_t> lines;  // seal lines
};

void read_log_members(std::string_view log_object, LineRole& role) {
  JsonMembers members(log_object);
  std::string_view key, value, action;
  while (members.next(key, value)) {
    if (key == "action") {
      action = plain_string(value).value_or("");
    } else if (key == "chain_prev") {
      const std::optional<std::string_view> hex = plain_string(value);
      if (hex) role.chain_prev = mac_from_hex(*hex);
    } else if (key == "lines") {
      role.lines = plain_unsigned(value);
    }
  }
  if (action == "open") role.kind = LineRole::Kind::kOpen;
  if (action == "seal") role.kind = LineRole::Kind::kSeal;
}

// Reads `"event_type":"log"` and its `log` object from a signed line's
// object; stops at event_type for every other event (nearly all lines).
LineRole read_role(std::string_view object_open) {
  LineRole role;
  JsonMembers members(object_open);
  std::string_view key, value, log_object;
  bool is_log = false;
  while (members.next(key, value)) {
    if (key == "event_type") {
      if (value != "\"log\"") return role;
      is_log = true;
    } else if (key == "log") {
      log_object = value;
    }
  }
  if (is_log && log_object.starts_with('{')) read_log_members(log_object, role);
  return role;
}

// ---------------------------------------------------------------------------
// Walking the chain

VerifyProblem at(const std::string& path, std::uint64_t line, std::string message) {
  return VerifyProblem{path, line, std::move(message)};
}

std::string seq_range(std::uint64_t first, std::uint64_t last) {
  if (first == last) return "seq " + std::to_string(first);
  return "seq " + std::to_string(first) + ".." + std::to_string(last);
}

std::string out_of_order(std::uint64_t seq, std::uint64_t after) {
  return "out of order (seq " + std::to_string(seq) + " after " + std::to_string(after) + ")";
}

void add_unique(std::vector<std::string>& ids, std::string_view id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.emplace_back(id);
}

class ChainVerifier {
 public:
  ChainVerifier(const std::vector<SigningKey>& keys, const VerifyOptions& options)
      : options_(options) {
    for (const SigningKey& key : keys) {
      if (!macs_.contains(key.id())) macs_.emplace(key.id(), std::make_unique<LineMac>(key));
    }
  }

  VerifyResult verify(const std::vector<std::string>& paths) {
    VerifyResult result;
    std::vector<std::string> ordered;
    result.problem = order_by_first_seq(paths, ordered);
    for (std::size_t i = 0; !result.problem && i < ordered.size(); ++i) {
      result.problem = walk_file(ordered[i]);
      if (!result.problem) {
        const std::string* next = i + 1 < ordered.size() ? &ordered[i + 1] : nullptr;
        result.problem = check_sealed(next);
      }
    }
    summary_.last_seq = chain_.seq;
    if (!summary_.files.empty()) {
      summary_.first_seq = summary_.files.front().first_seq;
      summary_.newest_sealed = summary_.files.back().sealed;
    }
    result.summary = std::move(summary_);
    return result;
  }

 private:
  struct Location {
    const std::string* path;
    std::uint64_t line;
  };

  // Orders the files by the seq of their first line, which is all that is
  // read of them here.
  std::optional<VerifyProblem> order_by_first_seq(const std::vector<std::string>& paths,
                                                  std::vector<std::string>& ordered) {
    std::vector<std::pair<std::uint64_t, std::string>> firsts;
    for (const std::string& path : paths) {
      LineReader reader(path);
      const std::optional<RawLine> line = reader.next();
      if (!line && reader.damage()) return at(path, 1, *reader.damage());
      if (!line) return at(path, 0, "empty file (no open line)");
      if (!line->terminated) return at(path, 1, "torn last line (no newline)");
      const std::optional<SignedLine> signed_line = parse_signed_line(line->text);
      if (!signed_line || signed_line->seq == 0) return at(path, 1, "not a signed line");
      firsts.emplace_back(signed_line->seq, path);
    }
    std::stable_sort(firsts.begin(), firsts.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [seq, path] : firsts) ordered.push_back(std::move(path));
    return std::nullopt;
  }

  std::optional<VerifyProblem> walk_file(const std::string& path) {
    LineReader reader(path);
    VerifiedFile& file = summary_.files.emplace_back();
    file.path = path;
    file.compressed = reader.compressed();
    while (const std::optional<RawLine> line = reader.next()) {
      if (auto problem = check_line(*line, reader)) return problem;
    }
    if (reader.damage()) return at(path, reader.line_number() + 1, *reader.damage());
    return std::nullopt;
  }

  // Every file but the newest must end with a seal; the newest too, unless
  // it may still be being written.
  std::optional<VerifyProblem> check_sealed(const std::string* next_path) {
    const VerifiedFile& file = summary_.files.back();
    if (file.sealed) return std::nullopt;
    if (next_path != nullptr) {
      return at(file.path, 0, "ends without a seal line (cut off; " + *next_path + " follows it)");
    }
    if (options_.allow_unsealed) return std::nullopt;
    return at(file.path, 0, "ends without a seal line (cut off)");
  }

  std::optional<VerifyProblem> check_line(const RawLine& raw, LineReader& reader) {
    const std::string& path = reader.path();
    const std::uint64_t number = reader.line_number();
    if (!raw.terminated) return at(path, number, "torn last line (no newline)");
    const std::optional<SignedLine> line = parse_signed_line(raw.text);
    if (!line || line->seq == 0) return at(path, number, "not a signed line");
    const auto mac = macs_.find(line->key_id);
    if (mac == macs_.end()) {
      return at(path, number, "signed with unknown key id " + std::string(line->key_id));
    }
    const LineRole role = read_role(line->object_open);
    if (!started_ && !start_chain(*line, role)) {
      return at(path, number, "does not start with an open line");
    }
    if (line->seq <= chain_.seq) return earlier_seq(raw.text, *line, path, number);
    if (line->seq - chain_.seq > 1) return gap(reader, *line);
    if (mac->second->compute(chain_.mac, line->seq, line->object_open, "}") != line->mac) {
      return at(path, number, "modified (signature does not match)");
    }
    if (auto problem = check_framing(role, number)) return at(path, number, *problem);
    accept(*line, role);
    return std::nullopt;
  }

  // The first line of the first file anchors the chain: seq 1 follows 32 zero
  // bytes; a later seq (older files deleted by retention) needs an open line,
  // whose chain_prev the MAC check then authenticates.
  bool start_chain(const SignedLine& line, const LineRole& role) {
    if (line.seq == 1) {
      chain_ = ChainState{};
      summary_.starts_at_origin = true;
    } else if (role.kind == LineRole::Kind::kOpen && role.chain_prev) {
      chain_ = ChainState{line.seq - 1, *role.chain_prev};
      summary_.starts_at_origin = false;
    } else {
      return false;
    }
    started_ = true;
    return true;
  }

  // A seq at or below the last one verified: a copy of an earlier line, or a
  // line moved from its place.
  std::optional<VerifyProblem> earlier_seq(std::string_view text, const SignedLine& line,
                                           const std::string& path, std::uint64_t number) {
    if (const std::optional<Location> original = locate(line.seq)) {
      const std::string original_text = read_line_at(*original->path, original->line);
      const std::optional<SignedLine> parsed = parse_signed_line(original_text);
      if (parsed && parsed->mac == line.mac) {
        if (original_text != text) return at(path, number, "modified (signature does not match)");
        return at(path, number,
                  "replayed (same line as " + *original->path + ":" +
                      std::to_string(original->line) + ")");
      }
    }
    return at(path, number, out_of_order(line.seq, chain_.seq));
  }

  // Where the verified line with `seq` is: every file's verified lines are
  // consecutive seqs from its line 1.
  std::optional<Location> locate(std::uint64_t seq) const {
    for (const VerifiedFile& file : summary_.files) {
      if (file.lines > 0 && file.first_seq <= seq && seq <= file.last_seq) {
        return Location{&file.path, seq - file.first_seq + 1};
      }
    }
    return std::nullopt;
  }

  // Seqs were skipped: lines deleted, or a line moved further down this file
  // (a swap of neighbours is the common case). The rest of the file tells.
  std::optional<VerifyProblem> gap(LineReader& reader, const SignedLine& line) {
    const std::uint64_t gap_line = reader.line_number();
    const std::uint64_t first_missing = chain_.seq + 1;
    const std::uint64_t last_missing = line.seq - 1;
    std::uint64_t previous = line.seq;
    while (const std::optional<RawLine> raw = reader.next()) {
      const std::optional<SignedLine> later = parse_signed_line(raw->text);
      if (!later) continue;
      if (later->seq >= first_missing && later->seq <= last_missing) {
        return at(reader.path(), reader.line_number(), out_of_order(later->seq, previous));
      }
      previous = later->seq;
    }
    return at(
        reader.path(), gap_line,
        "lines deleted before this one (" + seq_range(first_missing, last_missing) + " missing)");
  }

  // Where files begin and end (the line's MAC has verified, so its content
  // is what the sensor wrote).
  std::optional<std::string> check_framing(const LineRole& role, std::uint64_t number) const {
    const bool is_open = role.kind == LineRole::Kind::kOpen;
    if (number == 1 && !is_open) return "does not start with an open line";
    if (after_seal_ && !is_open) return "line after a seal is not an open line";
    if (is_open && role.chain_prev != chain_.mac) {
      return "open line's chain_prev is not the previous line's hmac";
    }
    if (role.kind == LineRole::Kind::kSeal && role.lines != lines_since_open_) {
      const std::string said = role.lines ? std::to_string(*role.lines) : "no number of";
      return "seal says " + said + " lines since the open line, but there are " +
             std::to_string(lines_since_open_);
    }
    return std::nullopt;
  }

  void accept(const SignedLine& line, const LineRole& role) {
    chain_ = ChainState{line.seq, line.mac};
    VerifiedFile& file = summary_.files.back();
    if (file.lines == 0) file.first_seq = line.seq;
    file.last_seq = line.seq;
    ++file.lines;
    ++summary_.lines;
    add_unique(file.key_ids, line.key_id);
    add_unique(summary_.key_ids, line.key_id);
    file.sealed = after_seal_ = role.kind == LineRole::Kind::kSeal;
    lines_since_open_ = role.kind == LineRole::Kind::kOpen ? 1 : lines_since_open_ + 1;
  }

  VerifyOptions options_;
  std::map<std::string, std::unique_ptr<LineMac>, std::less<>> macs_;  // by key id
  ChainSummary summary_;
  bool started_ = false;
  ChainState chain_;  // the last line verified
  bool after_seal_ = false;
  std::uint64_t lines_since_open_ = 0;  // the open line included
};

}  // namespace

std::string VerifyProblem::to_string() const {
  if (line == 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ": " + message;
}

VerifyResult verify_logs(const std::vector<SigningKey>& keys, const std::vector<std::string>& paths,
                         const VerifyOptions& options) {
  return ChainVerifier(keys, options).verify(paths);
}

}  // namespace mld::output
