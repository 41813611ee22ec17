#pragma once
// Verifies signed event logs (docs/integrity.md): every line's chain MAC, the
// seq order across files, and the open and seal lines that frame each file.
//
// Files may come in any order, plain or zstd-compressed; they are read line by
// line (never whole) and ordered by the seq of their first line. The first
// problem in chain order is reported with its file and 1-based line number.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "output/line_signer.h"
#include "output/log_line_reader.h"  // LogReadError

namespace mld::output {

struct VerifyOptions {
  bool allow_unsealed = false;  // the newest file may lack its seal (still being written)
};

// One file as verified.
struct VerifiedFile {
  std::string path;
  bool compressed = false;
  std::uint64_t lines = 0;
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
  std::vector<std::string> key_ids;  // in the order they first sign a line
  bool sealed = false;               // its last line is a seal line
};

// What was verified (up to the problem, when there is one).
struct ChainSummary {
  std::vector<VerifiedFile> files;  // in chain order
  std::uint64_t lines = 0;
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
  std::vector<std::string> key_ids;  // in the order they first sign a line
  // true: the chain starts at seq 1 from 32 zero bytes. false: it starts at
  // first_seq from its open line's chain_prev (retention deleted older files).
  bool starts_at_origin = false;
  bool newest_sealed = false;
};

// The messages (docs/integrity.md): "modified (signature does not match)",
// "not a signed line", "lines deleted before this one (seq A..B missing)",
// "out of order (seq S after T)", "replayed (same line as FILE:M)",
// "torn last line (no newline)", "signed with unknown key id K",
// "does not start with an open line", "line after a seal is not an open line",
// "open line's chain_prev is not the previous line's hmac", "seal says N lines
// since the open line, but there are M", "compressed data ...", and for a
// whole file "ends without a seal line (cut off)" (the newest), "ends without
// a seal line (cut off; NEXT follows it)", "empty file (no open line)".
struct VerifyProblem {
  std::string file;
  std::uint64_t line = 0;  // 1-based; 0 when the problem is the file as a whole
  std::string message;

  // "FILE:LINE: message", or "FILE: message" for the file as a whole.
  std::string to_string() const;
};

struct VerifyResult {
  std::optional<VerifyProblem> problem;  // the first one, in chain order
  ChainSummary summary;
  bool ok() const { return !problem.has_value(); }
};

// Verifies `paths` as one chain signed with any of `keys` (several when the
// logs span a key change). Throws LogReadError when a file cannot be read.
VerifyResult verify_logs(const std::vector<SigningKey>& keys, const std::vector<std::string>& paths,
                         const VerifyOptions& options = {});

}  // namespace mld::output
