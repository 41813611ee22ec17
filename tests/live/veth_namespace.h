#pragma once
// A network namespace joined to the root namespace by a veth pair, created
// for one test and removed when it ends (whatever happens in between). The
// sensor captures on the root end; traffic starts inside the namespace.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <string>

namespace mld::testing::live {

// Live tests need root (network namespaces, AF_PACKET) and iproute2. They
// skip otherwise, except under CI=true (root on Debian), where they must run.
bool live_prerequisites(std::string& why_not);

#define MLD_REQUIRE_LIVE_CAPTURE()                                                     \
  do {                                                                                 \
    std::string why_not;                                                               \
    if (!::mld::testing::live::live_prerequisites(why_not)) {                          \
      const char* ci = std::getenv("CI");                                              \
      if (ci != nullptr && std::string(ci) == "true") {                                \
        FAIL() << "live capture tests cannot run (CI=true: no skipping): " << why_not; \
      }                                                                                \
      GTEST_SKIP() << "live capture tests skipped: " << why_not;                       \
    }                                                                                  \
  } while (0)

// Runs a shell command quietly; throws std::runtime_error naming it on failure.
void sh(const std::string& command);

class VethNamespace {
 public:
  VethNamespace();  // throws std::runtime_error naming the failing command
  ~VethNamespace();
  VethNamespace(const VethNamespace&) = delete;
  VethNamespace& operator=(const VethNamespace&) = delete;

  const std::string& ns() const { return ns_; }
  const std::string& root_interface() const { return root_if_; }  // captured by the sensor
  const std::string& ns_interface() const { return ns_if_; }
  const std::string& root_address() const { return root_addr_; }
  const std::string& ns_address() const { return ns_addr_; }

  // Runs `work` on a new thread that has entered the namespace (sockets it
  // creates live there; sockets it was given keep their own namespace) and
  // waits for it. Exceptions are rethrown here.
  void run_inside(const std::function<void()>& work) const;
  // `command` run in the namespace (ip netns exec).
  void exec(const std::string& command) const;
  // Forgets ARP entries on both ends, so the next exchange starts with ARP.
  void flush_neighbours() const;

 private:
  void remove();

  std::string ns_, root_if_, ns_if_, root_addr_, ns_addr_;
  bool created_ns_ = false, created_link_ = false;
};

}  // namespace mld::testing::live
