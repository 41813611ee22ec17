#pragma once
// Names, compression and retention of the files a rotating log leaves behind.
// `eve.json` rotates to `eve-20261121T224518.123456Z.json` (the UTC time it
// was closed), then maybe `eve-….json.zst`; names sort in time order.
#include <cstdint>
#include <string>
#include <vector>

#include "common/time.h"

namespace mld::output {

class RotatedFiles {
 public:
  explicit RotatedFiles(std::string active_path);

  // A new, unused name for the active file closed at wall time `now`.
  std::string name_for(Micros now) const;

  // Rotated files of this log (plain and .zst), oldest first.
  std::vector<std::string> list() const;

  // Deletes the oldest rotated files until at most `max_count` remain (0: no
  // limit) and they hold at most `max_bytes` (0: no limit). Returns how many
  // it deleted.
  std::uint64_t enforce_retention(std::uint64_t max_count, std::uint64_t max_bytes) const;

 private:
  bool is_rotated_name(const std::string& name) const;

  std::string directory_;
  std::string stem_;       // "eve"
  std::string extension_;  // ".json" (may be empty)
};

// Compresses `path` to `path.zst` (written aside, then renamed) and removes
// `path`. Throws std::runtime_error naming the file.
void compress_with_zstd(const std::string& path, int level = 3);

}  // namespace mld::output
