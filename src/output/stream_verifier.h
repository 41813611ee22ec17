#pragma once
// Checks the envelopes of a ZeroMQ event stream as a subscriber receives
// them (docs/stream.md): each message's own signature, and the chain from
// one message to the next.
//
// A subscriber sees only part of a stream: it may join late, miss messages
// at a full queue, or subscribe to some event types only. Missing messages
// are a gap, reported but not an error; a message that does not verify, or
// one from the past (replayed), is.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "output/line_signer.h"

namespace mld::events::v1 {
class Envelope;
}

namespace mld::output {

class StreamVerifier {
 public:
  // `keys` empty: nothing is verified, seq is still followed. `whole_stream`:
  // every event type is received, so consecutive seq must chain.
  StreamVerifier(const std::vector<SigningKey>& keys, bool whole_stream);
  ~StreamVerifier();

  struct Verdict {
    bool trusted = true;  // false: do not use the event
    std::string problem;  // why not, naming the seq
    std::string note;     // a gap or a restart; not a problem
  };
  Verdict check(const events::v1::Envelope& envelope);

  bool verifying() const { return !macs_.empty(); }

 private:
  std::string authenticate(const events::v1::Envelope& envelope);

  std::map<std::string, std::unique_ptr<LineMac>, std::less<>> macs_;  // by key id
  const bool whole_stream_;
  bool started_ = false;
  std::uint64_t last_seq_ = 0;
  std::string last_hmac_;
};

}  // namespace mld::output
