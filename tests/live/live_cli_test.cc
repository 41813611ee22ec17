// `mldefender run -i IFACE` as a user runs it: a subprocess that captures
// until SIGINT, then writes its flows and a stats record and exits 0.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "live/sockets.h"
#include "live/veth_namespace.h"
#include "tools/pcap_builder.h"
#include "tools/text_file.h"

extern char** environ;

namespace mld::testing::live {
namespace {

class Sensor {
 public:
  explicit Sensor(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), MLD_BINARY);
    std::vector<char*> argv;
    for (std::string& a : arguments) argv.push_back(a.data());
    argv.push_back(nullptr);
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
    const int error = ::posix_spawn(&pid_, MLD_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    stderr_ = pipe_fds[0];
    if (error != 0) throw std::runtime_error("posix_spawn " MLD_BINARY);
  }
  ~Sensor() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(stderr_);
  }

  // Reads standard error until `text` appears or the process ends.
  bool wait_for(const std::string& text, int timeout_ms = 10'000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (stderr_text_.find(text) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd fd{stderr_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0) return false;
      char buffer[512];
      const ssize_t n = ::read(stderr_, buffer, sizeof buffer);
      if (n <= 0) return false;
      stderr_text_.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
  }

  // Exit status after `signal` (0 = just wait).
  int finish(int signal = 0) {
    if (signal != 0) ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    wait_for("\x01", 2000);  // collect the rest of standard error
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  const std::string& stderr_text() const { return stderr_text_; }

 private:
  pid_t pid_ = -1;
  int stderr_ = -1;
  std::string stderr_text_;
};

TEST(LiveCli, CapturesUntilSigintThenWritesFlowsAndStats) {
  MLD_REQUIRE_LIVE_CAPTURE();
  VethNamespace net;
  const std::string output = temp_path("live-cli.json");
  const Fd server = udp_socket(net.root_address(), 5001);
  Sensor sensor(
      {"run", "-i", net.root_interface(), "-w", "2", "-o", output, "--set", "capture.tick-ms=50"});
  ASSERT_TRUE(sensor.wait_for("capturing on -i " + net.root_interface())) << sensor.stderr_text();
  net.run_inside([&] {
    const Fd client = udp_socket(net.ns_address(), 6001);
    for (int k = 0; k < 2; ++k) {
      send_to(client, net.root_address(), 5001, Bytes(10, 'u'));
      receive(server);
      send_to(server, net.ns_address(), 6001, Bytes(10, 'v'));
      receive(client);
    }
  });
  EXPECT_EQ(sensor.finish(SIGINT), 0) << sensor.stderr_text();

  const std::string json = read_file(output);
  std::remove(output.c_str());
  const std::string flow = "\"src_ip\":\"" + net.ns_address() +
                           "\",\"src_port\":6001,\"dest_ip\":\"" + net.root_address() +
                           "\",\"dest_port\":5001,\"proto\":\"UDP\"";
  EXPECT_NE(json.find(flow), std::string::npos) << json;
  EXPECT_NE(json.find("\"pkts_toserver\":2,\"pkts_toclient\":2"), std::string::npos) << json;
  EXPECT_NE(json.find("\"event_type\":\"stats\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"packets_forwarded\":"), std::string::npos) << json;
  EXPECT_NE(sensor.stderr_text().find("-i " + net.root_interface() + ": "), std::string::npos);
}

// Needs no privilege: the interface is looked up before any socket opens.
TEST(LiveCli, MissingInterfaceIsAnInputErrorNamingIt) {
  Sensor sensor({"run", "-i", "mldnosuchif0", "-o", temp_path("never.json")});
  EXPECT_EQ(sensor.finish(), 2);
  EXPECT_NE(sensor.stderr_text().find("error: -i mldnosuchif0: no such interface"),
            std::string::npos)
      << sensor.stderr_text();
  std::remove(temp_path("never.json").c_str());
}

}  // namespace
}  // namespace mld::testing::live
