// The output never ends in a torn line, even when the disk fills up. A full
// disk is simulated with RLIMIT_FSIZE in a child process (write() then fails
// with EFBIG exactly like it would with ENOSPC).
#include "output/line_file.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "tools/pcap_builder.h"
#include "tools/text_file.h"

namespace mld::output {
namespace {

using testing::read_file;

TEST(LineFile, WritesEveryLine) {
  const std::string path = testing::temp_path("lines.json");
  {
    LineFile file(path);
    for (int i = 0; i < 1000; ++i) {
      file.buffer() += "{\"n\":" + std::to_string(i) + "}\n";
      file.line_added();
    }
    file.flush();
    EXPECT_EQ(file.lines_written(), 1000u);
  }
  const std::string text = read_file(path);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1000);
}

TEST(LineFile, FullDiskKeepsOnlyCompleteLinesAndSaysHowMany) {
  const std::string path = testing::temp_path("full.json");
  constexpr rlim_t kLimit = 100'000;  // bytes the "disk" can take
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{kLimit, kLimit};
    setrlimit(RLIMIT_FSIZE, &limit);
    std::string message = "no error";
    try {
      LineFile file(path);
      const std::string line(99, 'x');  // 100 bytes with the newline: 1000 fit exactly
      for (int i = 0; i < 5000; ++i) {
        file.buffer() += line.substr(0, 40 + i % 50) + "\n";
        file.line_added();
      }
      file.flush();
    } catch (const std::exception& e) {
      message = e.what();
    }
    (void)!write(pipe_fds[1], message.data(), message.size());
    _exit(0);
  }
  close(pipe_fds[1]);
  char buffer[512] = {};
  const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer - 1);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  const std::string message(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);

  const std::string text = read_file(path);
  ASSERT_FALSE(text.empty());
  EXPECT_LE(text.size(), kLimit);
  EXPECT_EQ(text.back(), '\n');
  const auto lines = std::count(text.begin(), text.end(), '\n');
  EXPECT_EQ(message, "writing " + path + ": File too large; it ends after " +
                         std::to_string(lines) + " complete records");
}

TEST(LineFile, UnwritablePathIsNamed) {
  try {
    LineFile file("/nonexistent-dir/out.json");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent-dir/out.json: No such file or directory");
  }
}

}  // namespace
}  // namespace mld::output
