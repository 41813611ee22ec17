// The ZeroMQ sink with real sockets: a SUB socket in the test receives what
// the sink publishes over tcp:// and ipc://, checks the envelopes' signature
// chain, and tries CURVE with right and wrong keys. Waits have generous upper
// bounds only: a slow machine makes a test slower, never failing.
#include "output/zmq_sink.h"

#include <gtest/gtest.h>
#include <mldefender/events/v1/events.pb.h>
#include <unistd.h>
#include <zmq.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "output/curve_keys.h"
#include "output/sink_thread.h"
#include "output/stream_verifier.h"
#include "output/zmq_publisher.h"
#include "tools/temp_dir.h"

namespace mld::output {
namespace {

namespace fs = std::filesystem;
namespace pb = mld::events::v1;
using mld::testing::TempDir;
using namespace std::chrono_literals;

constexpr auto kPatience = 30s;  // upper bound for anything that should happen

std::shared_ptr<const SigningKey> test_key(char fill = 'k') {
  return std::make_shared<SigningKey>(std::string(32, fill));
}

// Serialized Events, as the encoder would make them: flows, then a stats event.
std::shared_ptr<EventBatch> events(std::uint64_t first_id, int flows, bool stats,
                                   std::size_t padding = 0) {
  auto batch = std::make_shared<EventBatch>();
  pb::Event event;
  for (int i = 0; i <= flows; ++i) {
    if (i == flows && !stats) break;
    event.Clear();
    event.set_timestamp("2026-11-21T20:19:12.713702+0000");
    event.set_event_type(i == flows ? "stats" : "flow");
    if (i < flows) event.set_flow_id(first_id + static_cast<std::uint64_t>(i));
    if (padding > 0) event.set_pcap_filename(std::string(padding, 'p'));
    event.AppendToString(&batch->protobuf);
    batch->protobuf_added();
    batch->text.append("{}\n");  // the sink reads only the protobuf; events() counts lines
    batch->line_added();
  }
  return batch;
}

struct Received {
  std::string topic;
  pb::Envelope envelope;
};

struct CurveClient {
  std::string server_public_key;  // Z85
  CurveKeyPair own;               // Z85; generated when empty
};

CurveKeyPair new_key_pair() {
  char public_key[kZ85KeyLength + 1], secret_key[kZ85KeyLength + 1];
  EXPECT_EQ(zmq_curve_keypair(public_key, secret_key), 0);
  return {public_key, secret_key};
}

class Subscriber {
 public:
  explicit Subscriber(const std::string& endpoint, std::vector<std::string> topics = {""},
                      const std::optional<CurveClient>& curve = std::nullopt, int hwm = 1000)
      : socket_(context_, zmq::socket_type::sub), monitor_(context_, zmq::socket_type::pair) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::rcvhwm, hwm);
    if (curve) {
      const CurveKeyPair own = curve->own.secret_key.empty() ? new_key_pair() : curve->own;
      socket_.set(zmq::sockopt::curve_serverkey, curve->server_public_key);
      socket_.set(zmq::sockopt::curve_publickey, own.public_key);
      socket_.set(zmq::sockopt::curve_secretkey, own.secret_key);
    }
    // Handshake outcomes, to wait for a refusal instead of sleeping.
    static int next = 0;
    const std::string monitor = "inproc://subscriber-monitor-" + std::to_string(next++);
    EXPECT_EQ(zmq_socket_monitor(socket_.handle(), monitor.c_str(), ZMQ_EVENT_ALL), 0);
    monitor_.connect(monitor);
    for (const std::string& topic : topics) socket_.set(zmq::sockopt::subscribe, topic);
    socket_.connect(endpoint);
  }
  ~Subscriber() { zmq_socket_monitor(socket_.handle(), nullptr, 0); }

  std::optional<Received> receive(std::chrono::milliseconds timeout = kPatience) {
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, timeout) == 0) return std::nullopt;
    zmq::message_t topic, body;
    EXPECT_TRUE(socket_.recv(topic));
    EXPECT_TRUE(topic.more());
    EXPECT_TRUE(socket_.recv(body));
    EXPECT_FALSE(body.more());
    Received received;
    received.topic = topic.to_string();
    EXPECT_TRUE(received.envelope.ParseFromArray(body.data(), static_cast<int>(body.size())));
    return received;
  }

  std::vector<Received> receive_n(std::size_t n) {
    std::vector<Received> all;
    while (all.size() < n) {
      std::optional<Received> next = receive();
      if (!next) break;
      all.push_back(std::move(*next));
    }
    EXPECT_EQ(all.size(), n);
    return all;
  }

  // Waits until the monitor reports one of `events` (ZMQ_EVENT_* bits).
  bool wait_for(int events) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < deadline) {
      zmq::pollitem_t item{monitor_.handle(), 0, ZMQ_POLLIN, 0};
      if (zmq::poll(&item, 1, 100ms) == 0) continue;
      zmq::message_t header, address;
      EXPECT_TRUE(monitor_.recv(header));
      EXPECT_TRUE(monitor_.recv(address));
      std::uint16_t event = 0;
      std::memcpy(&event, header.data(), sizeof event);
      if (event & events) return true;
    }
    return false;
  }

 private:
  zmq::context_t context_;
  zmq::socket_t socket_;
  zmq::socket_t monitor_;
};

ZmqSinkOptions options_for(const std::string& endpoint) {
  ZmqSinkOptions options;
  options.endpoint = endpoint;
  options.wait_subscribers = 1;  // no event goes out before the test's subscriber is there
  options.wait_timeout_seconds = std::chrono::duration<double>(kPatience).count();
  return options;
}

std::unique_ptr<ZmqSink> make_sink(const ZmqSinkOptions& options) {
  return std::unique_ptr<ZmqSink>(dynamic_cast<ZmqSink*>(make_zmq_sink(options).release()));
}

std::string event_bytes(const EventBatch& batch, std::size_t i) {
  return std::string(batch.protobuf_message(i));
}

TEST(ZmqSink, SignedEventsArriveInOrderOverTcpFromTheSinkThread) {
  ZmqSinkOptions options = options_for("tcp://127.0.0.1:*");
  options.signing_key = test_key();
  std::unique_ptr<EventSink> owned = make_zmq_sink(options);
  auto* sink = dynamic_cast<ZmqSink*>(owned.get());
  ASSERT_NE(sink, nullptr);
  EXPECT_TRUE(sink->wants_protobuf());
  Subscriber subscriber(sink->bound_endpoint());

  std::vector<std::string> sent;
  {
    SinkThread thread("zmq", std::move(owned), QueuePolicy::block, 4);
    for (int b = 0; b < 3; ++b) {
      auto batch = events(100 * b, 5, /*stats=*/b == 2);
      for (std::size_t i = 0; i < batch->events(); ++i) sent.push_back(event_bytes(*batch, i));
      thread.publish(batch);
    }
    thread.finish();
    EXPECT_FALSE(thread.failed()) << thread.error();
    EXPECT_EQ(thread.stats().events_written, sent.size());
  }
  StreamVerifier verifier({*test_key()}, /*whole_stream=*/true);
  const std::vector<Received> received = subscriber.receive_n(sent.size());
  for (std::size_t i = 0; i < received.size(); ++i) {
    const pb::Envelope& e = received[i].envelope;
    EXPECT_EQ(e.seq(), i + 1);
    EXPECT_EQ(e.event(), sent[i]);
    EXPECT_EQ(received[i].topic, i + 1 == sent.size() ? "stats" : "flow");
    EXPECT_EQ(e.event_type(), received[i].topic);
    EXPECT_EQ(e.key_id(), test_key()->id());
    EXPECT_EQ(e.hmac().size(), 32u);
    // The chain: each message names the one before it.
    EXPECT_EQ(e.prev_hmac(), i == 0 ? std::string(32, '\0') : received[i - 1].envelope.hmac());
    const StreamVerifier::Verdict verdict = verifier.check(e);
    EXPECT_TRUE(verdict.trusted) << verdict.problem;
    EXPECT_EQ(verdict.note, "");
  }
}

TEST(ZmqSink, UnsignedEventsArriveOverIpcWithTheirSeq) {
  TempDir dir("mld-zmq");
  const std::unique_ptr<ZmqSink> sink = make_sink(options_for("ipc://" + dir.file("events")));
  Subscriber subscriber("ipc://" + dir.file("events"));
  const auto batch = events(1, 3, true);
  sink->write(*batch);
  const std::vector<Received> received = subscriber.receive_n(4);
  for (std::size_t i = 0; i < received.size(); ++i) {
    EXPECT_EQ(received[i].envelope.seq(), i + 1);
    EXPECT_EQ(received[i].envelope.event(), event_bytes(*batch, i));
    EXPECT_EQ(received[i].envelope.key_id(), "");
    EXPECT_EQ(received[i].envelope.hmac(), "");
  }
  sink->close();
  EXPECT_EQ(sink->dropped_downstream(), 0u);
}

TEST(ZmqSink, TopicsLetASubscriberTakeSomeEventTypes) {
  ZmqSinkOptions options = options_for("tcp://127.0.0.1:*");
  options.signing_key = test_key();
  const std::unique_ptr<ZmqSink> sink = make_sink(options);
  Subscriber stats_only(sink->bound_endpoint(), {"stats"});
  sink->write(*events(1, 10, true));
  sink->write(*events(20, 10, true));
  // Only the two stats events, each still verifying on its own; the flows
  // between them are not a gap for a subscriber of part of the stream.
  StreamVerifier verifier({*test_key()}, /*whole_stream=*/false);
  for (const Received& r : stats_only.receive_n(2)) {
    EXPECT_EQ(r.topic, "stats");
    const StreamVerifier::Verdict verdict = verifier.check(r.envelope);
    EXPECT_TRUE(verdict.trusted) << verdict.problem;
  }
  sink->close();
}

TEST(StreamVerifier, TellsGapsFromTampering) {
  ZmqSinkOptions options = options_for("tcp://127.0.0.1:*");
  options.signing_key = test_key();
  const std::unique_ptr<ZmqSink> sink = make_sink(options);
  Subscriber subscriber(sink->bound_endpoint());
  sink->write(*events(1, 9, true));
  std::vector<Received> r = subscriber.receive_n(10);
  sink->close();
  ASSERT_EQ(r.size(), 10u);

  StreamVerifier verifier({*test_key()}, true);
  EXPECT_TRUE(verifier.check(r[0].envelope).trusted);
  EXPECT_TRUE(verifier.check(r[1].envelope).trusted);
  // Lost at the HWM, or joined late: a gap, not an error.
  StreamVerifier::Verdict v = verifier.check(r[5].envelope);
  EXPECT_TRUE(v.trusted) << v.problem;
  EXPECT_EQ(v.note, "3 events missed (seq 3..5)");

  pb::Envelope modified = r[6].envelope;
  modified.mutable_event()->back() ^= 1;
  v = verifier.check(modified);
  EXPECT_FALSE(v.trusted);
  EXPECT_EQ(v.problem, "seq 7: modified (signature does not match)");

  v = verifier.check(r[6].envelope);  // the real one still follows the chain
  EXPECT_TRUE(v.trusted) << v.problem;
  v = verifier.check(r[2].envelope);  // from the past
  EXPECT_FALSE(v.trusted);
  EXPECT_EQ(v.problem, "seq 3: replayed or out of order (after seq 7)");

  StreamVerifier other_key({*test_key('o')}, true);
  v = other_key.check(r[7].envelope);
  EXPECT_FALSE(v.trusted);
  EXPECT_EQ(v.problem, "seq 8: signed with unknown key id " + test_key()->id());

  pb::Envelope unsigned_copy = r[7].envelope;
  unsigned_copy.clear_key_id();
  EXPECT_EQ(verifier.check(unsigned_copy).problem, "seq 8: not signed");

  // A message of another stream (a restart) with the next seq does not chain.
  pb::Envelope foreign = r[7].envelope;
  foreign.set_seq(8);
  foreign.set_prev_hmac(std::string(32, '\x01'));
  EXPECT_FALSE(verifier.check(foreign).trusted);

  // Without keys only seq is followed.
  StreamVerifier unverified({}, true);
  EXPECT_TRUE(unverified.check(modified).trusted);
  EXPECT_EQ(unverified.check(r[9].envelope).note, "2 events missed (seq 8..9)");
}

TEST(ZmqSink, CurveAdmitsClientsThatKnowTheServerKeyOnly) {
  if (!zmq_has("curve")) GTEST_SKIP() << "libzmq without CURVE";
  TempDir dir("mld-zmq");
  const CurveKeyPair server = new_key_pair();
  std::ofstream(dir.file("server.key")) << server.secret_key << "\n";
  ZmqSinkOptions options = options_for("tcp://127.0.0.1:*");
  options.curve_secret_key_file = dir.file("server.key");
  const std::unique_ptr<ZmqSink> sink = make_sink(options);

  Subscriber wrong(sink->bound_endpoint(), {""}, CurveClient{new_key_pair().public_key, {}});
  Subscriber right(sink->bound_endpoint(), {""}, CurveClient{server.public_key, {}});
  // The server cannot read the wrong client's hello and drops the connection.
  EXPECT_TRUE(wrong.wait_for(ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                             ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                             ZMQ_EVENT_HANDSHAKE_FAILED_AUTH));
  sink->write(*events(1, 4, true));
  EXPECT_EQ(right.receive_n(5).size(), 5u);
  EXPECT_FALSE(wrong.receive(0ms));
  EXPECT_EQ(sink->subscriptions(), 1u);
  sink->close();
}

TEST(ZmqSink, ClientsFileAdmitsOnlyTheListedKeys) {
  if (!zmq_has("curve")) GTEST_SKIP() << "libzmq without CURVE";
  TempDir dir("mld-zmq");
  const CurveKeyPair server = new_key_pair(), listed = new_key_pair(), other = new_key_pair();
  std::ofstream(dir.file("server.key")) << server.secret_key << "\n";
  std::ofstream(dir.file("clients")) << "# analysts\n\n" << listed.public_key << "\n";
  ZmqSinkOptions options = options_for("ipc://" + dir.file("events"));
  options.curve_secret_key_file = dir.file("server.key");
  options.curve_clients_file = dir.file("clients");
  const std::unique_ptr<ZmqSink> sink = make_sink(options);

  Subscriber unlisted("ipc://" + dir.file("events"), {""}, CurveClient{server.public_key, other});
  Subscriber admitted("ipc://" + dir.file("events"), {""}, CurveClient{server.public_key, listed});
  EXPECT_TRUE(unlisted.wait_for(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH));
  sink->write(*events(1, 4, true));
  EXPECT_EQ(admitted.receive_n(5).size(), 5u);
  EXPECT_FALSE(unlisted.receive(0ms));
  EXPECT_GE(sink->clients_refused(), 1u);
  EXPECT_EQ(sink->subscriptions(), 1u);
  sink->close();
}

// The message of the exception `make_zmq_sink(options)` throws.
std::string start_error(const ZmqSinkOptions& options) {
  try {
    make_zmq_sink(options);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ZmqSink, BadEndpointsAndKeysAreNamed) {
  TempDir dir("mld-zmq");
  EXPECT_EQ(start_error(options_for("tcp://no-such-interface:1")).rfind(
                "ZeroMQ endpoint tcp://no-such-interface:1: ", 0),
            0u);
  EXPECT_EQ(start_error(options_for("ipc:///nonexistent-dir/x")).rfind(
                "ZeroMQ endpoint ipc:///nonexistent-dir/x: ", 0),
            0u);
  {
    const std::unique_ptr<ZmqSink> first = make_sink(options_for("tcp://127.0.0.1:*"));
    EXPECT_NE(start_error(options_for(first->bound_endpoint())).find("Address already in use"),
              std::string::npos);
  }
  if (!zmq_has("curve")) return;
  ZmqSinkOptions options = options_for("tcp://127.0.0.1:*");
  options.curve_secret_key_file = dir.file("missing.key");
  EXPECT_EQ(start_error(options),
            "CURVE secret key " + dir.file("missing.key") + ": No such file or directory");
  std::ofstream(dir.file("bad.key")) << "not a key\n";
  options.curve_secret_key_file = dir.file("bad.key");
  EXPECT_EQ(start_error(options).rfind("CURVE secret key " + dir.file("bad.key") + ": not a", 0),
            0u);
  std::ofstream(dir.file("server.key")) << new_key_pair().secret_key << "\n";
  options.curve_secret_key_file = dir.file("server.key");
  std::ofstream(dir.file("clients")) << new_key_pair().public_key << "\nshort\n";
  options.curve_clients_file = dir.file("clients");
  EXPECT_EQ(start_error(options).rfind("CURVE clients file " + dir.file("clients") + ":2: ", 0),
            0u);
  std::ofstream(dir.file("empty")) << "# nobody\n";
  options.curve_clients_file = dir.file("empty");
  EXPECT_NE(start_error(options).find("no keys"), std::string::npos);
  options.curve_secret_key_file.clear();
  EXPECT_NE(start_error(options).find("needs the server's CURVE secret key"), std::string::npos);
}

TEST(ZmqSink, DropsAtTheHighWaterMarkAreCounted) {
  TempDir dir("mld-zmq");
  ZmqSinkOptions options = options_for("ipc://" + dir.file("events"));
  options.send_hwm = 10;
  const std::unique_ptr<ZmqSink> sink = make_sink(options);
  Subscriber stalled("ipc://" + dir.file("events"), {""}, std::nullopt, /*hwm=*/10);
  // 64 KiB events until ZeroMQ refuses some: the socket buffers of a local
  // connection hold a few MiB at most, far less than 1 GiB.
  const auto batch = events(1, 100, false, 64 * 1024);
  std::uint64_t sent = 0;
  for (int i = 0; i < 160 && sink->dropped_downstream() == 0; ++i) {
    sink->write(*batch);
    sent += batch->events();
  }
  const std::uint64_t dropped = sink->dropped_downstream();
  EXPECT_GT(dropped, 0u);
  // Every event either reached the subscriber or was counted: none vanished.
  std::uint64_t received = 0, last_seq = 0;
  while (received + dropped < sent) {
    const std::optional<Received> r = stalled.receive();
    if (!r) break;
    EXPECT_GT(r->envelope.seq(), last_seq);
    last_seq = r->envelope.seq();
    ++received;
  }
  EXPECT_EQ(received + dropped, sent);
  EXPECT_FALSE(stalled.receive(100ms));
  sink->close();
}

TEST(ZmqSink, PublishesAnywayOnceTheWaitForSubscribersTimesOut) {
  ZmqSinkOptions options = options_for("tcp://127.0.0.1:*");
  options.wait_subscribers = 3;
  options.wait_timeout_seconds = 0.05;
  const std::unique_ptr<ZmqSink> sink = make_sink(options);
  sink->write(*events(1, 2, false));  // returns: nobody listens, nothing is dropped
  EXPECT_EQ(sink->dropped_downstream(), 0u);
  sink->close();
}

}  // namespace
}  // namespace mld::output
