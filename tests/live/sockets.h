#pragma once
// Small blocking socket helpers for sending known traffic in live tests.
// Every failure throws std::runtime_error naming the call.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mld::testing::live {

using Bytes = std::vector<std::uint8_t>;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  int get() const { return fd_; }
  void reset();

 private:
  int fd_ = -1;
};

// Bound to address:port, with a 2-second receive timeout.
Fd udp_socket(const std::string& address, std::uint16_t port);
Fd tcp_listener(const std::string& address, std::uint16_t port);
// Connects from a fixed local port, so the test knows the 5-tuple.
Fd tcp_connect(const std::string& from, std::uint16_t from_port, const std::string& to,
               std::uint16_t to_port);
Fd tcp_accept(const Fd& listener);

void send_to(const Fd& socket, const std::string& address, std::uint16_t port, const Bytes& data);
void send_all(const Fd& socket, const Bytes& data);
Bytes receive(const Fd& socket);  // one datagram or segment; throws on timeout
void shutdown_write(const Fd& socket);

// An AF_PACKET socket for sending whole Ethernet frames out of `interface`.
Fd raw_ethernet_socket(const std::string& interface);
void send_frame(const Fd& socket, const Bytes& frame);

}  // namespace mld::testing::live
