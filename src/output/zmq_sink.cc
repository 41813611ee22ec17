#include "output/zmq_sink.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <mldefender/events/v1/events.pb.h>  // generated, in the build tree

#include <chrono>
#include <stdexcept>

#include "output/curve_keys.h"
#include "output/zmq_publisher.h"

namespace mld::output {
namespace {

namespace pb = mld::events::v1;
using Clock = std::chrono::steady_clock;
constexpr int kNoLinger = 0;

// The event's type from its serialized form, without parsing the rest: the
// schema gives event_type a low number, so it comes right after the timestamp.
std::string_view peek_event_type(std::string_view event) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(event.data()),
                                            static_cast<int>(event.size()));
  const std::uint32_t wanted =
      WireFormatLite::MakeTag(pb::Event::kEventTypeFieldNumber,
                              WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
  while (const std::uint32_t tag = in.ReadTag()) {
    if (tag == wanted) {
      std::uint32_t length = 0;
      if (!in.ReadVarint32(&length)) break;
      const auto at = static_cast<std::size_t>(in.CurrentPosition());
      if (length > event.size() - at) break;
      return event.substr(at, length);
    }
    if (!WireFormatLite::SkipField(&in, tag)) break;
  }
  return {};
}

}  // namespace

ZmqSink::ZmqSink(const ZmqSinkOptions& options)
    : options_(options), envelope_(std::make_unique<pb::Envelope>()) {
  const std::string where = "ZeroMQ endpoint " + options.endpoint;
  if (options.endpoint.empty()) throw std::runtime_error("ZeroMQ endpoint: empty");
  if (!options.curve_clients_file.empty() && options.curve_secret_key_file.empty()) {
    throw std::runtime_error(where + ": a CURVE clients file (" + options.curve_clients_file +
                             ") needs the server's CURVE secret key file too");
  }
  CurveKeyPair server_keys;
  if (!options.curve_secret_key_file.empty()) {
    server_keys = read_curve_secret_key(options.curve_secret_key_file);
  }
  if (!options.curve_clients_file.empty()) {
    std::vector<CurveKey> clients = read_curve_clients(options.curve_clients_file);
    if (clients.empty()) {
      throw std::runtime_error("CURVE clients file " + options.curve_clients_file +
                               ": no keys (nobody could subscribe)");
    }
    try {
      zap_ = std::make_unique<ZapHandler>(context_, std::move(clients));
    } catch (const zmq::error_t& e) {
      throw std::runtime_error(where + ": ZAP handler for " + options.curve_clients_file + ": " +
                               e.what());
    }
  }
  try {
    socket_ = zmq::socket_t(context_, zmq::socket_type::xpub);
    socket_.set(zmq::sockopt::linger, 0);  // until close(): a failed sink must not hang
    socket_.set(zmq::sockopt::sndhwm, options.send_hwm);
    socket_.set(zmq::sockopt::sndtimeo, kLingerMilliseconds);
    socket_.set(zmq::sockopt::xpub_verbose, 1);  // every subscription, duplicates too
    socket_.set(zmq::sockopt::xpub_nodrop, 1);   // EAGAIN at the HWM: drops are counted
    if (!server_keys.secret_key.empty()) {
      socket_.set(zmq::sockopt::curve_server, true);
      socket_.set(zmq::sockopt::curve_secretkey, server_keys.secret_key);
      socket_.set(zmq::sockopt::curve_publickey, server_keys.public_key);
      socket_.set(zmq::sockopt::zap_domain, "mldefender");
    }
    socket_.bind(options.endpoint);
    bound_endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error(where + ": " + e.what());
  }
  if (options.signing_key) mac_ = std::make_unique<LineMac>(*options.signing_key);
}

ZmqSink::~ZmqSink() {
  // close() was not called (the sink failed): do not wait for anyone.
  if (socket_.handle() != nullptr) {
    zmq_setsockopt(socket_.handle(), ZMQ_LINGER, &kNoLinger, sizeof kNoLinger);
    socket_.close();
  }
  zap_.reset();
}

void ZmqSink::fail(const std::string& what) const {
  throw std::runtime_error("ZeroMQ endpoint " + options_.endpoint + ": " + what);
}

void ZmqSink::read_subscriptions(std::chrono::milliseconds wait) {
  zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
  if (wait.count() > 0 && zmq::poll(&item, 1, wait) == 0) return;
  zmq::message_t message;
  while (socket_.recv(message, zmq::recv_flags::dontwait)) {
    // [1][topic]: subscribe; [0][topic]: unsubscribe.
    if (message.size() > 0 && *static_cast<const std::uint8_t*>(message.data()) == 1) {
      subscriptions_.add();
    }
  }
}

void ZmqSink::wait_for_subscribers() {
  waited_ = true;
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(options_.wait_timeout_seconds));
  read_subscriptions(std::chrono::milliseconds(0));
  while (subscriptions_.get() < options_.wait_subscribers) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;  // publish anyway: waiting is a courtesy
    read_subscriptions(left);
  }
}

void ZmqSink::send(std::string_view event) {
  const std::string_view type = peek_event_type(event);
  pb::Envelope& envelope = *envelope_;
  envelope.Clear();
  envelope.set_seq(++seq_);
  envelope.set_event_type(type.data(), type.size());
  envelope.set_event(event.data(), event.size());
  if (mac_) {
    // The chain goes on through messages ZeroMQ drops: the subscriber sees
    // the gap in seq, and each message still verifies on its own.
    const Mac mac = mac_->compute(chain_mac_, seq_, event);
    envelope.set_key_id(mac_->key_id());
    envelope.set_prev_hmac(chain_mac_.data(), chain_mac_.size());
    envelope.set_hmac(mac.data(), mac.size());
    chain_mac_ = mac;
  }
  envelope.SerializeToString(&frame_);

  if (!socket_.send(zmq::buffer(type), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
    dropped_at_hwm_.add();  // a subscriber's queue is full
    return;
  }
  // The first frame passed the HWM check, which covers the whole message;
  // should the second still meet EAGAIN, wait (up to the send timeout)
  // rather than leave half a message.
  if (!socket_.send(zmq::buffer(frame_), zmq::send_flags::dontwait) &&
      !socket_.send(zmq::buffer(frame_), zmq::send_flags::none)) {
    fail("could not complete a message");
  }
}

void ZmqSink::write(const EventBatch& batch) {
  try {
    if (!waited_) wait_for_subscribers();
    for (std::size_t i = 0; i < batch.protobuf_ends.size(); ++i) send(batch.protobuf_message(i));
    read_subscriptions(std::chrono::milliseconds(0));
  } catch (const zmq::error_t& e) {
    fail(e.what());
  }
}

void ZmqSink::idle() {
  try {
    read_subscriptions(std::chrono::milliseconds(0));
  } catch (const zmq::error_t& e) {
    fail(e.what());
  }
}

void ZmqSink::close() {
  try {
    if (socket_.handle() != nullptr) {
      socket_.set(zmq::sockopt::linger, kLingerMilliseconds);
      socket_.close();
    }
    zap_.reset();
    context_.close();  // returns once queued messages went out, or the linger passed
  } catch (const zmq::error_t& e) {
    fail(e.what());
  }
}

std::unique_ptr<EventSink> make_zmq_sink(const ZmqSinkOptions& options) {
  return std::make_unique<ZmqSink>(options);
}

}  // namespace mld::output

#if defined(__SANITIZE_THREAD__)
#define MLD_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MLD_TSAN 1
#endif
#endif
#ifdef MLD_TSAN
// libzmq is not built with ThreadSanitizer: its I/O threads take our messages
// through lock-free queues TSan cannot see, so each hand-off would look like a
// race. What libzmq (and libsodium, its CURVE crypto) does inside is left
// unchecked; our own code stays checked. (Here, because this file is linked
// into every program that can use ZeroMQ.)
extern "C" const char* __tsan_default_suppressions() {
  return "called_from_lib:libzmq.so\ncalled_from_lib:libsodium.so\n";
}
#endif
