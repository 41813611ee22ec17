#pragma once
// A ZAP handler (ZeroMQ RFC 27, protocol 1.0) that admits only CURVE clients
// whose public key is on an allow-list. It answers on its own thread, bound to
// inproc://zeromq.zap.01 in the given context (one handler per context), and
// must exist before the server socket binds so no client slips in unchecked.
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "output/curve_keys.h"

namespace mld::output {

class ZapHandler {
 public:
  // Throws zmq::error_t when the context already has a ZAP handler.
  ZapHandler(zmq::context_t& context, std::vector<CurveKey> allowed);
  ~ZapHandler();  // stops the thread and joins it
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  void run();
  void answer();
  bool allowed(const zmq::message_t& mechanism, const zmq::message_t& credentials) const;

  const std::vector<CurveKey> allowed_;
  zmq::socket_t requests_;
  zmq::socket_t stop_receiver_;  // the handler thread's
  zmq::socket_t stop_sender_;    // the owner's
  std::atomic<std::uint64_t> refused_{0};
  std::thread thread_;
};

}  // namespace mld::output
