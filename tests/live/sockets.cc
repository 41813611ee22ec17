#include "live/sockets.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mld::testing::live {
namespace {

[[noreturn]] void fail(const std::string& call) {
  throw std::runtime_error(call + ": " + std::strerror(errno));
}

sockaddr_in address_of(const std::string& address, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1) {
    throw std::runtime_error("bad address " + address);
  }
  return a;
}

Fd bound_socket(int type, const std::string& address, std::uint16_t port) {
  Fd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) fail("socket");
  const int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const timeval timeout{2, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  const sockaddr_in a = address_of(address, port);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    fail("bind " + address + ":" + std::to_string(port));
  }
  return fd;
}

}  // namespace

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Fd udp_socket(const std::string& address, std::uint16_t port) {
  return bound_socket(SOCK_DGRAM, address, port);
}

Fd tcp_listener(const std::string& address, std::uint16_t port) {
  Fd fd = bound_socket(SOCK_STREAM, address, port);
  if (::listen(fd.get(), 4) != 0) fail("listen");
  return fd;
}

Fd tcp_connect(const std::string& from, std::uint16_t from_port, const std::string& to,
               std::uint16_t to_port) {
  Fd fd = bound_socket(SOCK_STREAM, from, from_port);
  const sockaddr_in a = address_of(to, to_port);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) fail("connect");
  return fd;
}

Fd tcp_accept(const Fd& listener) {
  Fd fd(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (fd.get() < 0) fail("accept");
  const timeval timeout{2, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

void send_to(const Fd& socket, const std::string& address, std::uint16_t port, const Bytes& data) {
  const sockaddr_in a = address_of(address, port);
  if (::sendto(socket.get(), data.data(), data.size(), 0, reinterpret_cast<const sockaddr*>(&a),
               sizeof a) != static_cast<ssize_t>(data.size())) {
    fail("sendto " + address + ":" + std::to_string(port));
  }
}

void send_all(const Fd& socket, const Bytes& data) {
  if (::send(socket.get(), data.data(), data.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(data.size())) {
    fail("send");
  }
}

Bytes receive(const Fd& socket) {
  Bytes buffer(65536);
  const ssize_t n = ::recv(socket.get(), buffer.data(), buffer.size(), 0);
  if (n < 0) fail("recv");
  buffer.resize(static_cast<std::size_t>(n));
  return buffer;
}

void shutdown_write(const Fd& socket) {
  if (::shutdown(socket.get(), SHUT_WR) != 0) fail("shutdown");
}

Fd raw_ethernet_socket(const std::string& interface) {
  Fd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) fail("socket(AF_PACKET)");
  sockaddr_ll a{};
  a.sll_family = AF_PACKET;
  a.sll_ifindex = static_cast<int>(::if_nametoindex(interface.c_str()));
  if (a.sll_ifindex == 0) fail("if_nametoindex " + interface);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) fail("bind");
  return fd;
}

void send_frame(const Fd& socket, const Bytes& frame) {
  if (::send(socket.get(), frame.data(), frame.size(), 0) != static_cast<ssize_t>(frame.size())) {
    fail("send frame");
  }
}

}  // namespace mld::testing::live
