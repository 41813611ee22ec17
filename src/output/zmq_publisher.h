#pragma once
// The ZeroMQ sink behind make_zmq_sink (zmq_sink.h), declared here for the
// tests and for whoever reads its drop counter.
//
// The socket is an XPUB: it behaves as a PUB socket, and also hands us the
// subscriptions (to wait for subscribers). With ZMQ_XPUB_NODROP a message
// that meets a full subscriber queue (send-hwm) is refused with EAGAIN
// instead of vanishing, so every such drop is counted here. The price: while
// one subscriber's queue is full, the message reaches no subscriber at all.
#include <cstdint>
#include <memory>
#include <string>

#include <zmq.hpp>

#include "common/counter.h"
#include "output/event_sink.h"
#include "output/line_signer.h"
#include "output/zap_handler.h"
#include "output/zmq_sink.h"

namespace mld::events::v1 {
class Envelope;
}

namespace mld::output {

class ZmqSink final : public EventSink {
 public:
  // Binds the socket. Throws std::runtime_error naming the endpoint or file.
  explicit ZmqSink(const ZmqSinkOptions& options);
  ~ZmqSink() override;

  bool wants_protobuf() const override { return true; }
  void write(const EventBatch& batch) override;
  void idle() override;
  void close() override;

  // Events ZeroMQ refused because a subscriber's queue was full. Any thread.
  std::uint64_t dropped_downstream() const override { return dropped_at_hwm_.get(); }
  // Subscriptions received so far (a subscriber sends one per topic).
  std::uint64_t subscriptions() const { return subscriptions_.get(); }
  // CURVE clients the allow-list turned away (0 without a clients file).
  std::uint64_t clients_refused() const { return zap_ ? zap_->refused() : 0; }
  // The address actually bound (tcp://127.0.0.1:* becomes a port).
  const std::string& bound_endpoint() const { return bound_endpoint_; }

  // How long close() lets queued messages go out.
  static constexpr int kLingerMilliseconds = 2000;

 private:
  void wait_for_subscribers();
  void read_subscriptions(std::chrono::milliseconds wait);
  void send(std::string_view event);
  [[noreturn]] void fail(const std::string& what) const;

  const ZmqSinkOptions options_;
  zmq::context_t context_;
  std::unique_ptr<ZapHandler> zap_;  // before the socket: it must outlive its use
  zmq::socket_t socket_;
  std::string bound_endpoint_;

  std::unique_ptr<LineMac> mac_;  // null: unsigned
  std::uint64_t seq_ = 0;
  Mac chain_mac_{};  // the last message's hmac

  std::unique_ptr<events::v1::Envelope> envelope_;  // reused for every message
  std::string frame_;
  bool waited_ = false;
  Counter subscriptions_;
  Counter dropped_at_hwm_;
};

}  // namespace mld::output
