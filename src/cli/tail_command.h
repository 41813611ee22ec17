#pragma once
// `mldefender tail --zmq ENDPOINT`: subscribes to a sensor's event stream,
// verifies it and prints JSON lines; `mldefender zmq-keygen` makes CURVE keys.
#include <cstdint>
#include <string>
#include <vector>

namespace mld::cli {

struct TailArguments {
  std::string endpoint;                 // --zmq
  std::vector<std::string> key_files;   // --key-file: verify signatures (repeatable)
  std::string curve_server_key_file;    // --curve-server-key: the sensor's public key (Z85)
  std::string curve_client_key_file;    // --curve-client-key: our secret key (Z85); else ephemeral
  std::vector<std::string> event_types; // --type: subscribe to these only (default all)
  std::uint64_t count = 0;              // --count: stop after this many events (0 = never)
  double timeout_seconds = 0;           // --timeout: stop after this long without an event
};

int tail_command(const TailArguments& arguments);

// Writes a CURVE key pair: PREFIX.key (secret) and PREFIX.pub (public), Z85.
int zmq_keygen_command(const std::string& prefix);

}  // namespace mld::cli
