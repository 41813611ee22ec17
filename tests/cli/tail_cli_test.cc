// `mldefender tail` and `mldefender zmq-keygen` end to end: a tail child
// process subscribes, `mldefender run` publishes a capture, and tail must
// print exactly the lines the run wrote to its file. Waits have generous
// upper bounds only; every child is killed and reaped, every file removed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli_support.h"
#include "tools/temp_dir.h"

extern char** environ;

namespace mld::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kPatience = 120s;  // upper bound for a child to finish

// The mldefender binary as a child process, its output in files.
class Child {
 public:
  Child(const std::vector<std::string>& arguments, const TempDir& dir, const std::string& name)
      : out_(dir.file(name + ".out")), err_(dir.file(name + ".err")) {
    std::vector<std::string> argv = {MLD_BINARY};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    std::vector<char*> pointers;
    for (std::string& a : argv) pointers.push_back(a.data());
    pointers.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const int flags = O_WRONLY | O_CREAT | O_TRUNC;
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), flags, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), flags, 0600);
    EXPECT_EQ(posix_spawn(&pid_, MLD_BINARY, &actions, nullptr, pointers.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  // Waits for the child to end (killing it after kPatience, which fails).
  Result wait() {
    Result r;
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "a child ran for more than " << kPatience.count() << " s; killed";
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(10ms);
    }
    pid_ = -1;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_file(out_);
    r.err = read_file(err_);
    return r;
  }

 private:
  pid_t pid_ = -1;
  std::string out_, err_;
};

Result mldefender(const std::vector<std::string>& arguments, const TempDir& dir) {
  return Child(arguments, dir, "command").wait();
}

std::string sample() { return std::string(MLD_SOURCE_DIR) + "/samples/sample.pcap"; }

std::string ndpi_capture(const std::string& name) {
  return std::string(MLD_SOURCE_DIR) + "/../shared/data/ndpi/tests/cfgs/default/pcap/" + name;
}

// Runs `capture` publishing to `endpoint` while a tail (with `tail_arguments`)
// takes `count` events; returns tail's result and the run's output file.
struct Published {
  Result tail, run;
  std::string file;
};
Published publish_to_tail(const std::string& capture, const std::string& endpoint,
                          std::size_t count, const std::vector<std::string>& tail_arguments,
                          const std::vector<std::string>& run_settings, const TempDir& dir) {
  std::vector<std::string> tail_argv = {"tail", "--zmq", endpoint, "--count",
                                        std::to_string(count)};
  tail_argv.insert(tail_argv.end(), tail_arguments.begin(), tail_arguments.end());
  Child tail(tail_argv, dir, "tail");
  Published p;
  p.file = dir.file("published.json");
  std::vector<std::string> run_argv = {"run", "-r", capture, "-o", p.file,
                                       "--set", "output.zmq.endpoint=" + endpoint,
                                       "--set", "output.zmq.wait-subscribers=1",
                                       "--set", "output.zmq.wait-timeout=120",
                                       "--set", "output.zmq.policy=block"};
  for (const std::string& setting : run_settings) {
    run_argv.push_back("--set");
    run_argv.push_back(setting);
  }
  p.run = mldefender(run_argv, dir);
  p.tail = tail.wait();
  return p;
}

// How many events a capture gives (a run without the stream).
std::size_t events_of(const std::string& capture, const TempDir& dir) {
  const Result r = mldefender({"run", "-r", capture, "-o", dir.file("count.json")}, dir);
  EXPECT_EQ(r.status, 0) << r.err;
  return lines_of(read_file(dir.file("count.json"))).size();
}

void expect_tail_prints_the_file(const std::string& capture) {
  TempDir dir("mld-tail");
  const std::size_t n = events_of(capture, dir);
  ASSERT_GT(n, 1u);
  const Published p =
      publish_to_tail(capture, "ipc://" + dir.file("events"), n, {"--timeout", "120"}, {}, dir);
  ASSERT_EQ(p.run.status, 0) << p.run.err;
  EXPECT_EQ(p.tail.status, 0) << p.tail.err;
  EXPECT_EQ(p.tail.err, "");
  EXPECT_EQ(p.tail.out, read_file(p.file));  // every line, byte for byte
  EXPECT_EQ(lines_of(p.tail.out).size(), n);
}

TEST(TailCli, PrintsTheLinesOfTheRunByteForByte) { expect_tail_prints_the_file(sample()); }

TEST(TailCli, PrintsTheLinesOfRealCapturesByteForByte) {
  if (!fs::exists(ndpi_capture("1kxun.pcap"))) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") FAIL() << "../shared/data is missing";
    GTEST_SKIP() << "../shared/data not found";
  }
  // Many flows; tunnels (ids, depths); ICMP.
  for (const char* name : {"1kxun.pcap", "vxlan.pcap", "gre.pcapng", "6in4tunnel.pcap",
                           "malformed_icmp.pcap"}) {
    SCOPED_TRACE(name);
    expect_tail_prints_the_file(ndpi_capture(name));
  }
}

// A signed file line without its integrity member: the event as tail prints it.
std::string without_signature(const std::string& line) {
  const std::size_t at = line.rfind(",\"integrity\":{");
  return at == std::string::npos ? line : line.substr(0, at) + "}";
}

TEST(TailCli, VerifiesASignedStream) {
  TempDir dir("mld-tail");
  std::ofstream(dir.file("log.key")) << std::string(32, 'k');
  const std::size_t n = events_of(sample(), dir);
  const Published p = publish_to_tail(sample(), "ipc://" + dir.file("events"), n,
                                      {"--key-file", dir.file("log.key"), "--timeout", "120"},
                                      {"output.signing.key-file=" + dir.file("log.key")}, dir);
  ASSERT_EQ(p.run.status, 0) << p.run.err;
  EXPECT_EQ(p.tail.status, 0) << p.tail.err;
  EXPECT_EQ(p.tail.err, "");
  // The file's events (its open and seal lines belong to the file, not the stream).
  std::string expected;
  for (const std::string& line : lines_of(read_file(p.file))) {
    if (line.find("\"event_type\":\"log\"") == std::string::npos) {
      expected += without_signature(line) + "\n";
    }
  }
  EXPECT_EQ(lines_of(expected).size(), n);
  EXPECT_EQ(p.tail.out, expected);
}

TEST(TailCli, EventsSignedWithAnotherKeyAreNotPrinted) {
  TempDir dir("mld-tail");
  std::ofstream(dir.file("log.key")) << std::string(32, 'k');
  std::ofstream(dir.file("other.key")) << std::string(32, 'o');
  const std::size_t n = events_of(sample(), dir);
  const Published p = publish_to_tail(sample(), "ipc://" + dir.file("events"), n,
                                      {"--key-file", dir.file("other.key"), "--timeout", "120"},
                                      {"output.signing.key-file=" + dir.file("log.key")}, dir);
  ASSERT_EQ(p.run.status, 0) << p.run.err;
  EXPECT_EQ(p.tail.status, 1);
  EXPECT_EQ(p.tail.out, "");
  EXPECT_EQ(p.tail.err.rfind("mldefender: error: seq 1: signed with unknown key id ", 0), 0u)
      << p.tail.err;
  EXPECT_EQ(lines_of(p.tail.err).size(), n);
}

TEST(TailCli, TypeSelectsEventTypes) {
  TempDir dir("mld-tail");
  const Published p = publish_to_tail(sample(), "ipc://" + dir.file("events"), 1,
                                      {"--type", "stats", "--timeout", "120"}, {}, dir);
  ASSERT_EQ(p.run.status, 0) << p.run.err;
  EXPECT_EQ(p.tail.status, 0) << p.tail.err;
  EXPECT_EQ(p.tail.out, lines_of(read_file(p.file)).back() + "\n");
}

TEST(TailCli, CurveStreamWithKeysFromZmqKeygen) {
  TempDir dir("mld-tail");
  const Result keygen = mldefender({"zmq-keygen", dir.file("server")}, dir);
  ASSERT_EQ(keygen.status, 0) << keygen.err;
  const std::size_t n = events_of(sample(), dir);
  const Published p = publish_to_tail(
      sample(), "ipc://" + dir.file("events"), n,
      {"--curve-server-key", dir.file("server.pub"), "--timeout", "120"},
      {"output.zmq.curve-secret-key-file=" + dir.file("server.key")}, dir);
  ASSERT_EQ(p.run.status, 0) << p.run.err;
  EXPECT_EQ(p.tail.status, 0) << p.tail.err;
  EXPECT_EQ(p.tail.out, read_file(p.file));
}

TEST(ZmqKeygen, WritesAKeyPairAndNeverOverwritesOne) {
  TempDir dir("mld-tail");
  const Result r = mldefender({"zmq-keygen", dir.file("sensor")}, dir);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string secret = read_file(dir.file("sensor.key"));
  const std::string public_key = read_file(dir.file("sensor.pub"));
  EXPECT_EQ(secret.size(), 41u);  // 40 Z85 characters and a newline
  EXPECT_EQ(public_key.size(), 41u);
  EXPECT_EQ(r.out, public_key);
  struct stat info {};
  ASSERT_EQ(::stat(dir.file("sensor.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  const Result again = mldefender({"zmq-keygen", dir.file("sensor")}, dir);
  EXPECT_EQ(again.status, 2);
  EXPECT_EQ(again.err, "mldefender: error: " + dir.file("sensor.key") +
                           ": exists (not overwriting a key)\n");
  EXPECT_EQ(read_file(dir.file("sensor.key")), secret);
}

TEST(TailCli, TimeoutEndsATailThatHearsNothing) {
  TempDir dir("mld-tail");
  const Result r =
      mldefender({"tail", "--zmq", "ipc://" + dir.file("nobody"), "--timeout", "0.2"}, dir);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
}

TEST(TailCli, BadArgumentsAreNamed) {
  TempDir dir("mld-tail");
  Result r = mldefender({"tail", "--zmq", "bogus://x", "--timeout", "1"}, dir);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("mldefender: error: --zmq bogus://x: ", 0), 0u) << r.err;
  r = mldefender({"tail", "--zmq", "ipc://" + dir.file("x"), "--key-file", dir.file("no.key")},
                 dir);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "mldefender: error: signing key " + dir.file("no.key") +
                       ": No such file or directory\n");
  std::ofstream(dir.file("bad.pub")) << "not a key\n";
  r = mldefender({"tail", "--zmq", "ipc://" + dir.file("x"), "--curve-server-key",
                  dir.file("bad.pub")},
                 dir);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("mldefender: error: CURVE public key " + dir.file("bad.pub") + ": ", 0),
            0u)
      << r.err;
}

}  // namespace
}  // namespace mld::testing
