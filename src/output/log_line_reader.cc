#include "output/log_line_reader.h"

namespace mld::output {

std::string last_line_of(const std::string& path) {
  LineReader reader(path);
  std::string last;
  while (const std::optional<RawLine> line = reader.next()) {
    if (line->terminated) last.assign(line->text);
  }
  return last;
}

}  // namespace mld::output
