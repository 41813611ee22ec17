#include "output/zap_handler.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <string>
#include <string_view>

namespace mld::output {
namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";

std::string_view text(const zmq::message_t& frame) {
  return {static_cast<const char*>(frame.data()), frame.size()};
}

// A name for the stop channel unique within the process (contexts may share none,
// but a name must not be reused while a handler is bound to it).
std::string stop_endpoint() {
  static std::atomic<unsigned> next{0};
  return "inproc://mld-zap-stop-" + std::to_string(next.fetch_add(1));
}

}  // namespace

ZapHandler::ZapHandler(zmq::context_t& context, std::vector<CurveKey> allowed)
    : allowed_(std::move(allowed)),
      requests_(context, zmq::socket_type::rep),
      stop_receiver_(context, zmq::socket_type::pair),
      stop_sender_(context, zmq::socket_type::pair) {
  requests_.set(zmq::sockopt::linger, 0);
  requests_.bind(kZapEndpoint);
  const std::string stop = stop_endpoint();
  stop_receiver_.bind(stop);
  stop_sender_.connect(stop);
  // The sockets were made here; from now on only the thread uses the first two
  // (starting it is the memory barrier ZeroMQ asks for when a socket changes thread).
  thread_ = std::thread([this] { run(); });
}

ZapHandler::~ZapHandler() {
  try {
    stop_sender_.send(zmq::message_t(), zmq::send_flags::none);
  } catch (const zmq::error_t&) {
    // The context is being shut down: the thread's poll ends with ETERM anyway.
  }
  if (thread_.joinable()) thread_.join();
}

void ZapHandler::run() {
  std::array<zmq::pollitem_t, 2> items = {{
      {requests_.handle(), 0, ZMQ_POLLIN, 0},
      {stop_receiver_.handle(), 0, ZMQ_POLLIN, 0},
  }};
  try {
    for (;;) {
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds(-1));
      if (items[1].revents & ZMQ_POLLIN) break;
      if (items[0].revents & ZMQ_POLLIN) answer();
    }
  } catch (const zmq::error_t&) {
    // ETERM: the context is going away.
  }
  requests_.close();
  stop_receiver_.close();
}

void ZapHandler::answer() {
  // Request: version, request id, domain, address, routing id, mechanism,
  // then the mechanism's credentials (CURVE: the client's 32-byte public key).
  std::vector<zmq::message_t> request;
  do {
    request.emplace_back();
    if (!requests_.recv(request.back(), zmq::recv_flags::none)) return;
  } while (request.back().more());

  const bool well_formed = request.size() >= 6 && text(request[0]) == "1.0";
  const bool ok = well_formed && request.size() >= 7 && allowed(request[5], request[6]);
  if (!ok) refused_.fetch_add(1, std::memory_order_relaxed);

  const std::string_view status = ok ? "200" : "400";
  const std::string_view reason = ok ? "OK" : "client key not allowed";
  auto send = [&](std::string_view frame, bool more) {
    requests_.send(zmq::buffer(frame), more ? zmq::send_flags::sndmore : zmq::send_flags::none);
  };
  send("1.0", true);
  send(well_formed ? text(request[1]) : std::string_view(), true);  // request id
  send(status, true);
  send(reason, true);
  send("", true);   // user id
  send("", false);  // metadata
}

bool ZapHandler::allowed(const zmq::message_t& mechanism,
                         const zmq::message_t& credentials) const {
  if (text(mechanism) != "CURVE" || credentials.size() != sizeof(CurveKey)) return false;
  return std::any_of(allowed_.begin(), allowed_.end(), [&](const CurveKey& key) {
    return std::memcmp(key.data(), credentials.data(), key.size()) == 0;
  });
}

}  // namespace mld::output
