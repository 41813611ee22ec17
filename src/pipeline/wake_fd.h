#pragma once
// A doorbell for a thread that sleeps in poll(): an eventfd that other threads
// ring and that the sleeper lists beside its capture socket. The count stays
// set until cleared, so a ring between "checked the queues" and "poll()" is
// never lost. Rung once per batch of work, never per packet.
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mld::pipeline {

class WakeFd {
 public:
  WakeFd() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (fd_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  }
  ~WakeFd() { ::close(fd_); }
  WakeFd(const WakeFd&) = delete;
  WakeFd& operator=(const WakeFd&) = delete;

  int fd() const { return fd_; }

  void ring() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n =
        ::write(fd_, &one, sizeof one);  // full counter: already rung
  }
  void clear() {
    std::uint64_t count = 0;
    [[maybe_unused]] const ssize_t n = ::read(fd_, &count, sizeof count);  // EAGAIN: not rung
  }

 private:
  int fd_;
};

}  // namespace mld::pipeline
