#include "output/stream_verifier.h"

#include <mldefender/events/v1/events.pb.h>  // generated, in the build tree

#include <algorithm>
#include <cstring>

namespace mld::output {
namespace {

std::string seq_text(std::uint64_t seq) { return "seq " + std::to_string(seq); }

}  // namespace

StreamVerifier::StreamVerifier(const std::vector<SigningKey>& keys, bool whole_stream)
    : whole_stream_(whole_stream) {
  for (const SigningKey& key : keys) macs_.emplace(key.id(), std::make_unique<LineMac>(key));
}

StreamVerifier::~StreamVerifier() = default;

std::string StreamVerifier::authenticate(const events::v1::Envelope& e) {
  const std::string seq = seq_text(e.seq());
  if (e.key_id().empty()) return seq + ": not signed";
  const auto mac = macs_.find(e.key_id());
  if (mac == macs_.end()) return seq + ": signed with unknown key id " + e.key_id();
  if (e.hmac().size() != sizeof(Mac) || e.prev_hmac().size() != sizeof(Mac)) {
    return seq + ": malformed signature";
  }
  Mac previous{};
  std::copy(e.prev_hmac().begin(), e.prev_hmac().end(), previous.begin());
  const Mac expected = mac->second->compute(previous, e.seq(), e.event());
  if (std::memcmp(expected.data(), e.hmac().data(), expected.size()) != 0) {
    return seq + ": modified (signature does not match)";
  }
  return {};
}

StreamVerifier::Verdict StreamVerifier::check(const events::v1::Envelope& e) {
  Verdict verdict;
  if (verifying()) verdict.problem = authenticate(e);
  if (!verdict.problem.empty()) {
    verdict.trusted = false;
    return verdict;  // the chain goes on from the last message that verified
  }
  const std::uint64_t seq = e.seq();
  if (started_ && whole_stream_) {
    if (seq == last_seq_ + 1) {
      // Both verified, yet not linked: a message of another stream.
      if (verifying() && e.prev_hmac() != last_hmac_) {
        verdict.problem = seq_text(seq) + ": does not follow seq " + std::to_string(last_seq_) +
                          " (the chain is broken: replayed from another stream?)";
      }
    } else if (seq > last_seq_ + 1) {
      verdict.note = std::to_string(seq - last_seq_ - 1) + " events missed (seq " +
                     std::to_string(last_seq_ + 1) + ".." + std::to_string(seq - 1) + ")";
    } else if (seq == 1) {
      verdict.note = "the stream restarted (seq 1)";
    } else {
      verdict.problem = seq_text(seq) + ": replayed or out of order (after seq " +
                        std::to_string(last_seq_) + ")";
    }
  } else if (started_ && seq <= last_seq_ && seq != 1) {
    // Part of the stream: gaps are expected, going back is not.
    verdict.problem = seq_text(seq) + ": replayed or out of order (after seq " +
                      std::to_string(last_seq_) + ")";
  }
  if (!verdict.problem.empty()) {
    verdict.trusted = false;
    return verdict;
  }
  started_ = true;
  last_seq_ = seq;
  last_hmac_ = e.hmac();
  return verdict;
}

}  // namespace mld::output
