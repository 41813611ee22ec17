#pragma once
// The output file of JSON lines. Lines are appended to a buffer and written in
// large blocks; when a write fails (disk full, file size limit, closed pipe)
// the file is cut back to its last complete line, so a reader never sees a
// torn record, and the error says how many records made it.
#include <cstdint>
#include <string>

#include "output/text_buffer.h"

namespace mld::output {

class LineFile {
 public:
  // "-" writes to standard output. `append` keeps what the file holds (its
  // last line must be complete: see repair_torn_tail). Throws
  // std::runtime_error naming the path.
  explicit LineFile(const std::string& path, bool append = false);
  ~LineFile();
  LineFile(const LineFile&) = delete;
  LineFile& operator=(const LineFile&) = delete;

  // Appends complete lines to buffer(), then calls line_added() once per line.
  TextBuffer& buffer() { return buffer_; }
  void line_added() { lines_added(1); }
  void lines_added(std::uint64_t count);

  // Writes the buffer. Throws std::runtime_error on failure (the file then
  // ends with the last complete line written).
  void flush();

  std::uint64_t lines_written() const { return lines_written_; }
  // Bytes in the file once the buffer is written (what it held before included).
  std::uint64_t size() const { return committed_bytes_ + buffer_.size(); }
  const std::string& path() const { return path_; }

 private:
  [[noreturn]] void fail(int error, std::size_t bytes_written);

  static constexpr std::size_t kFlushThreshold = 1 << 18;

  std::string path_;
  int fd_ = -1;
  bool owns_fd_ = false;
  bool failed_ = false;
  std::uint64_t committed_bytes_ = 0;  // file size up to the last complete line
  std::uint64_t lines_written_ = 0;
  std::uint64_t lines_buffered_ = 0;
  TextBuffer buffer_;
};

}  // namespace mld::output
