#include "live/veth_namespace.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <thread>

namespace mld::testing::live {
namespace {

std::atomic<unsigned> instances{0};

// 198.18.0.0/15 (RFC 2544, benchmarking) cut into /30s: one per namespace,
// chosen from the pid so concurrent test processes do not collide.
std::string address_in(unsigned subnet, unsigned host) {
  const unsigned value = (198u << 24) | (18u << 16) | ((subnet % 32768u) << 2) | host;
  return std::to_string(value >> 24) + "." + std::to_string((value >> 16) & 255) + "." +
         std::to_string((value >> 8) & 255) + "." + std::to_string(value & 255);
}

}  // namespace

bool live_prerequisites(std::string& why_not) {
  if (::geteuid() != 0) {
    why_not = "needs root (network namespaces, AF_PACKET sockets)";
    return false;
  }
  if (std::system("ip -V > /dev/null 2>&1") != 0) {
    why_not = "needs iproute2 ('ip' not found)";
    return false;
  }
  return true;
}

void sh(const std::string& command) {
  const int status = std::system((command + " > /dev/null 2>&1").c_str());
  if (status != 0) throw std::runtime_error("command failed: " + command);
}

VethNamespace::VethNamespace() {
  const unsigned n = instances++;
  const std::string id = std::to_string(::getpid()) + "x" + std::to_string(n);
  ns_ = "mldtest" + id;
  root_if_ = "mv" + id + "r";  // at most 15 characters (IFNAMSIZ)
  ns_if_ = "mv" + id + "n";
  const unsigned subnet = static_cast<unsigned>(::getpid()) * 4 + n;
  root_addr_ = address_in(subnet, 1);
  ns_addr_ = address_in(subnet, 2);
  try {
    sh("ip netns add " + ns_);
    created_ns_ = true;
    sh("ip link add " + root_if_ + " type veth peer name " + ns_if_);
    created_link_ = true;
    sh("ip link set " + ns_if_ + " netns " + ns_);
    sh("ip addr add " + root_addr_ + "/30 dev " + root_if_);
    sh("ip -n " + ns_ + " addr add " + ns_addr_ + "/30 dev " + ns_if_);
    sh("ip link set " + root_if_ + " up");
    sh("ip -n " + ns_ + " link set " + ns_if_ + " up");
    sh("ip -n " + ns_ + " link set lo up");
  } catch (...) {
    remove();
    throw;
  }
}

VethNamespace::~VethNamespace() { remove(); }

void VethNamespace::remove() {
  // Deleting one end of a veth pair deletes both.
  if (created_link_) std::system(("ip link del " + root_if_ + " > /dev/null 2>&1").c_str());
  if (created_ns_) std::system(("ip netns del " + ns_ + " > /dev/null 2>&1").c_str());
  created_link_ = created_ns_ = false;
}

void VethNamespace::run_inside(const std::function<void()>& work) const {
  std::exception_ptr error;
  std::thread thread([&] {
    try {
      const std::string path = "/var/run/netns/" + ns_;
      const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) throw std::runtime_error("open " + path + ": " + std::strerror(errno));
      // The network namespace is per thread: only this thread moves.
      const int entered = ::setns(fd, CLONE_NEWNET);
      ::close(fd);
      if (entered != 0) throw std::runtime_error(std::string("setns: ") + std::strerror(errno));
      work();
    } catch (...) {
      error = std::current_exception();
    }
  });
  thread.join();
  if (error) std::rethrow_exception(error);
}

void VethNamespace::exec(const std::string& command) const {
  sh("ip netns exec " + ns_ + " " + command);
}

void VethNamespace::flush_neighbours() const {
  sh("ip neigh flush dev " + root_if_);
  sh("ip -n " + ns_ + " neigh flush dev " + ns_if_);
}

}  // namespace mld::testing::live
