#include "cli/tail_command.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <mldefender/events/v1/events.pb.h>  // generated, in the build tree
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <zmq.hpp>

#include "output/curve_keys.h"
#include "output/line_signer.h"
#include "output/protobuf_json.h"
#include "output/stream_verifier.h"

namespace mld::cli {
namespace {

namespace pb = mld::events::v1;
using Clock = std::chrono::steady_clock;

constexpr int kAllVerified = 0;
constexpr int kProblem = 1;  // an event did not verify (or could not be read)
constexpr int kCannotStart = 2;

// How often a wait for messages looks at the signal flag.
constexpr std::chrono::milliseconds kSignalCheck(200);
// Room for bursts (a replayed capture) before the sensor sees a full queue:
// as much as the sensor's default output.zmq.send-hwm.
constexpr int kReceiveHwm = 100000;

// SIGINT/SIGTERM: finish the current message, flush, exit with the verdict.
std::atomic<bool> stop_requested{false};
void request_stop(int) { stop_requested.store(true); }

void report(const std::string& line) { fmt::print(stderr, "mldefender: {}\n", line); }

std::string_view text(const zmq::message_t& frame) {
  return {static_cast<const char*>(frame.data()), frame.size()};
}

void set_up_curve(zmq::socket_t& socket, const TailArguments& a) {
  output::require_curve("--curve-server-key " + a.curve_server_key_file);
  const std::string server_key = output::read_curve_public_key(a.curve_server_key_file);
  output::CurveKeyPair client;
  if (!a.curve_client_key_file.empty()) {
    client = output::read_curve_secret_key(a.curve_client_key_file);
  } else {
    // An ephemeral pair: enough for a server that admits any client.
    char public_key[output::kZ85KeyLength + 1], secret_key[output::kZ85KeyLength + 1];
    if (zmq_curve_keypair(public_key, secret_key) != 0) {
      throw std::runtime_error(std::string("CURVE key pair: ") + zmq_strerror(zmq_errno()));
    }
    client = {public_key, secret_key};
  }
  socket.set(zmq::sockopt::curve_serverkey, server_key);
  socket.set(zmq::sockopt::curve_publickey, client.public_key);
  socket.set(zmq::sockopt::curve_secretkey, client.secret_key);
}

class Tail {
 public:
  Tail(const TailArguments& arguments, const std::vector<output::SigningKey>& keys)
      : arguments_(arguments),
        verifier_(keys, /*whole_stream=*/arguments.event_types.empty()),
        socket_(context_, zmq::socket_type::sub) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::rcvhwm, kReceiveHwm);
    if (!arguments.curve_server_key_file.empty()) set_up_curve(socket_, arguments);
    try {
      socket_.connect(arguments.endpoint);
    } catch (const zmq::error_t& e) {
      throw std::runtime_error("--zmq " + arguments.endpoint + ": " + e.what());
    }
    if (arguments.event_types.empty()) socket_.set(zmq::sockopt::subscribe, "");
    for (const std::string& type : arguments.event_types) {
      socket_.set(zmq::sockopt::subscribe, type);
    }
  }

  // Receives until --count events, --timeout seconds of silence, or a signal.
  int run() {
    auto last_event = Clock::now();
    const auto silence = std::chrono::duration<double>(arguments_.timeout_seconds);
    while (!stop_requested.load() && (arguments_.count == 0 || received_ < arguments_.count)) {
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      auto wait = kSignalCheck;
      if (arguments_.timeout_seconds > 0) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(
            last_event + std::chrono::duration_cast<Clock::duration>(silence) - Clock::now());
        if (left.count() <= 0) break;
        wait = std::min(wait, left);
      }
      if (zmq::poll(&item, 1, wait) == 0) {
        flush();
        continue;
      }
      receive_all();
      last_event = Clock::now();
    }
    flush();
    return problems_ == 0 ? kAllVerified : kProblem;
  }

 private:
  // Takes every message already queued, then lets the output go.
  void receive_all() {
    std::vector<zmq::message_t> frames;
    while (arguments_.count == 0 || received_ < arguments_.count) {
      frames.clear();
      do {
        frames.emplace_back();
        if (!socket_.recv(frames.back(), zmq::recv_flags::dontwait)) {
          frames.pop_back();
          break;
        }
      } while (frames.back().more());
      if (frames.empty()) break;
      handle(frames);
    }
    flush();
  }

  void handle(const std::vector<zmq::message_t>& frames) {
    // A subscription is a prefix: "flow" would also take "flowx".
    if (!arguments_.event_types.empty() && frames.size() == 2 && !wanted(text(frames[0]))) return;
    ++received_;
    if (frames.size() != 2 || !envelope_.ParseFromArray(frames[1].data(),
                                                        static_cast<int>(frames[1].size()))) {
      problem("a message that is not an event envelope");
      return;
    }
    const output::StreamVerifier::Verdict verdict = verifier_.check(envelope_);
    if (!verdict.note.empty()) report(verdict.note);
    if (!verdict.trusted) {
      problem(verdict.problem);
      return;
    }
    if (!event_.ParseFromString(envelope_.event())) {
      problem("seq " + std::to_string(envelope_.seq()) + ": the event does not parse");
      return;
    }
    output::append_json_line(event_, line_);
    if (line_.size() >= (1u << 16)) flush();
  }

  bool wanted(std::string_view topic) const {
    for (const std::string& type : arguments_.event_types) {
      if (topic == type) return true;
    }
    return false;
  }

  void problem(const std::string& what) {
    ++problems_;
    report("error: " + what);
  }

  void flush() {
    if (line_.empty()) return;
    std::fwrite(line_.data(), 1, line_.size(), stdout);
    std::fflush(stdout);
    line_.clear();
  }

  const TailArguments& arguments_;
  output::StreamVerifier verifier_;
  zmq::context_t context_;
  zmq::socket_t socket_;
  pb::Envelope envelope_;
  pb::Event event_;
  output::TextBuffer line_;
  std::uint64_t received_ = 0;
  std::uint64_t problems_ = 0;
};

// Creates `path` with `content`, readable by its owner only when `secret`.
void write_new_file(const std::string& path, const std::string& content, bool secret) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                        secret ? 0600 : 0644);
  if (fd < 0) throw std::runtime_error(path + ": " + std::strerror(errno));
  const ssize_t written = ::write(fd, content.data(), content.size());
  const int error = errno;
  ::close(fd);
  if (written != static_cast<ssize_t>(content.size())) {
    throw std::runtime_error(path + ": " + std::strerror(error));
  }
}

}  // namespace

int tail_command(const TailArguments& arguments) {
  std::vector<output::SigningKey> keys;
  try {
    for (const std::string& path : arguments.key_files) {
      keys.push_back(output::SigningKey::load(path));
    }
    Tail tail(arguments, keys);
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    return tail.run();
  } catch (const std::exception& e) {
    report(std::string("error: ") + e.what());
    return kCannotStart;
  }
}

int zmq_keygen_command(const std::string& prefix) {
  try {
    output::require_curve("zmq-keygen");
    char public_key[output::kZ85KeyLength + 1], secret_key[output::kZ85KeyLength + 1];
    if (zmq_curve_keypair(public_key, secret_key) != 0) {
      throw std::runtime_error(std::string("CURVE key pair: ") + zmq_strerror(zmq_errno()));
    }
    for (const char* suffix : {".key", ".pub"}) {
      if (std::filesystem::exists(prefix + suffix)) {
        throw std::runtime_error(prefix + suffix + ": exists (not overwriting a key)");
      }
    }
    write_new_file(prefix + ".key", std::string(secret_key) + "\n", /*secret=*/true);
    write_new_file(prefix + ".pub", std::string(public_key) + "\n", /*secret=*/false);
    fmt::print("{}\n", public_key);
    return kAllVerified;
  } catch (const std::exception& e) {
    report(std::string("error: ") + e.what());
    return kCannotStart;
  }
}

}  // namespace mld::cli
