#include "output/line_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mld::output {

LineFile::LineFile(const std::string& path, bool append) : path_(path) {
  if (path == "-") {
    fd_ = STDOUT_FILENO;
    path_ = "standard output";
  } else {
    const int keep = append ? O_APPEND : O_TRUNC;
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | keep | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error(path + ": " + std::strerror(errno));
    owns_fd_ = true;
    struct stat st {};
    if (::fstat(fd_, &st) == 0) committed_bytes_ = static_cast<std::uint64_t>(st.st_size);
  }
  buffer_.reserve(kFlushThreshold + (1 << 16));
}

LineFile::~LineFile() {
  if (!failed_) {
    try {
      flush();
    } catch (const std::exception&) {
      // Reported by the explicit flush() every caller makes; nothing to add.
    }
  }
  if (owns_fd_) ::close(fd_);
}

void LineFile::lines_added(std::uint64_t count) {
  lines_buffered_ += count;
  if (buffer_.size() >= kFlushThreshold) flush();
}

void LineFile::flush() {
  if (failed_) throw std::runtime_error("writing " + path_ + ": output failed earlier");
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(n < 0 ? errno : ENOSPC, done);
    done += static_cast<std::size_t>(n);
  }
  committed_bytes_ += buffer_.size();
  lines_written_ += lines_buffered_;
  lines_buffered_ = 0;
  buffer_.clear();
}

void LineFile::fail(int error, std::size_t bytes_written) {
  failed_ = true;
  // Keep the complete lines that did reach the file; cut the torn one.
  const std::string_view written(buffer_.data(), bytes_written);
  const std::size_t last_newline = written.rfind('\n');
  const std::size_t complete = last_newline == std::string_view::npos ? 0 : last_newline + 1;
  lines_written_ += static_cast<std::uint64_t>(
      std::count(written.begin(), written.begin() + static_cast<std::ptrdiff_t>(complete), '\n'));
  committed_bytes_ += complete;
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
    (void)::ftruncate(fd_, static_cast<off_t>(committed_bytes_));
  }
  throw std::runtime_error("writing " + path_ + ": " + std::strerror(error) + "; it ends after " +
                           std::to_string(lines_written_) + " complete records");
}

}  // namespace mld::output
