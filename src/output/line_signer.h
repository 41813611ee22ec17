#pragma once
// Keyed, hash-chained signatures on JSON lines (docs/integrity.md).
//
// A signed line is the event's JSON object with one more member at its end:
//
//   {...event...,"integrity":{"seq":N,"key_id":"<16 hex>","hmac":"<64 hex>"}}
//
// hmac = HMAC-SHA256(key, "mld-chain-v1\n" || previous line's hmac (32 bytes,
// zeros before the first line) || seq as 8 big-endian bytes || key_id ||
// the event's JSON object exactly as it was before the member was added).
// Every line depends on the one before it, so a line that is changed,
// inserted, deleted, moved or replayed breaks the chain where it happened.
// Our JSON writer escapes every '"' inside strings, so the text
// `,"integrity":{` can only be this member: the last occurrence splits a line.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "output/text_buffer.h"

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX

namespace mld::output {

using Mac = std::array<std::uint8_t, 32>;

std::string to_hex(const std::uint8_t* bytes, std::size_t size);
std::string to_hex(const Mac& mac);
std::optional<Mac> mac_from_hex(std::string_view hex);

// The secret: the raw contents of a key file (at least 32 bytes).
class SigningKey {
 public:
  static constexpr std::size_t kMinimumSize = 32;

  // Throws std::runtime_error naming the file when it is unreadable or short.
  static SigningKey load(const std::string& path);
  explicit SigningKey(std::string secret);

  // 16 hex digits derived from the secret (never the secret itself), written
  // on every line so a verifier knows which of its keys to use.
  const std::string& id() const { return id_; }

  const std::string& secret() const { return secret_; }

 private:
  std::string secret_;
  std::string id_;
};

// Computes chain MACs with one key. Keeps the keyed HMAC state between lines;
// one per thread.
class LineMac {
 public:
  explicit LineMac(const SigningKey& key);
  ~LineMac();
  LineMac(const LineMac&) = delete;
  LineMac& operator=(const LineMac&) = delete;

  // The chain MAC of `message` followed by `suffix` (see the top of this
  // file). A JSON line passes its object without the closing '}' and "}";
  // a protobuf stream passes the serialized event.
  Mac compute(const Mac& previous, std::uint64_t seq, std::string_view message,
              std::string_view suffix = {});
  const std::string& key_id() const { return key_id_; }

 private:
  evp_mac_ctx_st* ctx_;
  std::string key_id_;
};

// Where a chain stands: the last line signed.
struct ChainState {
  std::uint64_t seq = 0;  // 0: nothing signed yet
  Mac mac{};              // zeros before the first line
};

// Signs lines in order, carrying the chain from one to the next.
class LineSigner {
 public:
  explicit LineSigner(const SigningKey& key, ChainState start = {}) : mac_(key), state_(start) {}

  // Appends `object` (one JSON object, at least "{?}", no newline) to `out`
  // with its integrity member and '\n'.
  void append_signed(std::string_view object, TextBuffer& out);

  const ChainState& state() const { return state_; }
  void reset(const ChainState& state) { state_ = state; }
  const std::string& key_id() const { return mac_.key_id(); }

 private:
  LineMac mac_;
  ChainState state_;
};

// A signed line taken apart; the views point into the line.
struct SignedLine {
  std::string_view object_open;  // the event's object without its closing '}'
  std::uint64_t seq = 0;
  std::string_view key_id;
  Mac mac{};
};

// nullopt unless `line` (without '\n') ends in a well-formed integrity member.
std::optional<SignedLine> parse_signed_line(std::string_view line);

}  // namespace mld::output
