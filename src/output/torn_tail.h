#pragma once
// A file left by a process that was killed mid-write can end in a partial
// line. Before anything is appended, that torn line is cut off, so every line
// of the file stays a whole event.
#include <string>

namespace mld::output {

struct FileTail {
  bool torn_line_removed = false;
  std::string last_line;  // the last complete line, without '\n'; empty if none
};

// Truncates `path` after its last '\n' (to zero when it has none) and returns
// the line before that. A missing file is an empty tail. Throws
// std::runtime_error naming the path on an I/O error.
FileTail repair_torn_tail(const std::string& path);

}  // namespace mld::output
