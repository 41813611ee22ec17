#include "output/torn_tail.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace mld::output {
namespace {

[[noreturn]] void fail(const std::string& path, const char* what) {
  throw std::runtime_error(path + ": " + what + ": " + std::strerror(errno));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads [offset, offset + size) of the file.
std::string read_range(int fd, off_t offset, std::size_t size, const std::string& path) {
  std::string bytes(size, '\0');
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, bytes.data() + done, size - done,
                              offset + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(path, "reading its last line");
    done += static_cast<std::size_t>(n);
  }
  return bytes;
}

}  // namespace

FileTail repair_torn_tail(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return {};
    fail(path, "opening it to append");
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail(path, "stat");
  const off_t size = st.st_size;

  // Walk back in blocks to the last two newlines: the end of the last whole
  // line and the start of it.
  constexpr off_t kBlock = 1 << 16;
  std::string tail;  // bytes [start, size)
  off_t start = size;
  std::vector<off_t> newlines;  // positions, descending
  while (start > 0 && newlines.size() < 2) {
    const off_t from = start > kBlock ? start - kBlock : 0;
    const std::string block = read_range(fd.get(), from, static_cast<std::size_t>(start - from),
                                         path);
    for (std::size_t i = block.size(); i-- > 0 && newlines.size() < 2;) {
      if (block[i] == '\n') newlines.push_back(from + static_cast<off_t>(i));
    }
    tail.insert(0, block);
    start = from;
  }

  FileTail result;
  const off_t keep = newlines.empty() ? 0 : newlines[0] + 1;
  if (keep < size) {
    if (::ftruncate(fd.get(), keep) != 0) fail(path, "cutting off its torn last line");
    result.torn_line_removed = true;
  }
  if (!newlines.empty()) {
    const off_t line_start = newlines.size() > 1 ? newlines[1] + 1 : 0;
    result.last_line = tail.substr(static_cast<std::size_t>(line_start - start),
                                   static_cast<std::size_t>(newlines[0] - line_start));
  }
  return result;
}

}  // namespace mld::output
