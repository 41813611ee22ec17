#pragma once
// Publishes events as protobuf on a ZeroMQ PUB socket (docs/stream.md).
#include <memory>
#include <string>

#include "output/event_sink.h"
#include "output/line_signer.h"

namespace mld::output {

struct ZmqSinkOptions {
  std::string endpoint;                  // bound: tcp://host:port or ipc://path
  int send_hwm = 100000;
  unsigned wait_subscribers = 0;         // publish only once this many have subscribed...
  double wait_timeout_seconds = 10;      // ...or this long has passed
  std::string curve_secret_key_file;     // CURVE server when set
  std::string curve_clients_file;        // allowed client public keys; empty = any
  std::shared_ptr<const SigningKey> signing_key;  // null: unsigned
};

// Throws std::runtime_error naming the endpoint or file when it cannot start.
std::unique_ptr<EventSink> make_zmq_sink(const ZmqSinkOptions& options);

}  // namespace mld::output
