#pragma once
// One direction of an HTTP/1.x connection cut into messages (RFC 9112): the
// head of each, kept as far as the events need it, and its body, skipped and
// counted. Bytes may arrive split anywhere; the reader buffers only the line
// it is on, and at most kMaxHeadBytes of it, so its memory is bounded.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/app_counters.h"
#include "app/dissector.h"

namespace mld::app::http {

// One message's start line and header fields together (so also the longest
// line), and separately its chunked trailer section.
inline constexpr std::size_t kMaxHeadBytes = 16 * 1024;
inline constexpr std::size_t kMaxChunkLineBytes = 1024;
// Text kept per field: the URL, and each other value.
inline constexpr std::size_t kMaxUrlBytes = 4096;
inline constexpr std::size_t kMaxFieldBytes = 1024;

// Decided by the first start line of the direction: "HTTP/..." is a server.
enum class Role : std::uint8_t { unknown, client, server };

struct MessageHead {
  std::string method, url;              // requests
  std::optional<std::uint32_t> status;  // responses
  std::string protocol;
  // First occurrence of each, raw and capped.
  std::string host, user_agent, content_type;
  std::optional<std::uint64_t> content_length;
  bool bad_content_length = false;  // unparsable, or several that differ
  bool transfer_encoding = false;
  bool chunked = false;  // the final transfer coding is chunked
};

class MessageReader {
 public:
  enum class Event : std::uint8_t {
    need_more,     // every byte given was consumed
    head_done,     // head() is complete: call start_body()
    message_done,  // the body ended; the next message may follow
    failed,        // failure() says why; nothing more is read
  };
  enum class Failure : std::uint8_t {
    none,
    not_http,        // a start line that is not HTTP (http_malformed)
    bad_framing,     // a body whose end cannot be found (http_malformed)
    oversized_head,  // head or trailers over kMaxHeadBytes (http_oversized_headers)
    gap,             // bytes lost outside a body of known length
  };

  explicit MessageReader(AppCounters& counters) : counters_(counters) {}

  // Consumes bytes from the front of `data` up to the next event.
  Event read(Bytes& data);

  // After head_done: frames the body from the head (RFC 9112 6.3). A server
  // needs the method of the request it answers ("" when unknown).
  void start_body(std::string_view request_method);

  // `length` bytes of this direction were lost. True when they fall inside a
  // body whose extent is known (they are counted as body bytes); otherwise
  // the reader fails.
  bool skip_gap(std::uint64_t length);

  Role role() const { return role_; }
  // The current message's head, as far as it was read.
  const MessageHead& head() const { return head_; }
  // True between a message's start line and the end of its header fields.
  bool reading_fields() const { return state_ == State::fields; }
  // Body bytes of the current (or just completed) message.
  std::uint64_t body_bytes() const { return body_bytes_; }
  Failure failure() const { return failure_; }

 private:
  enum class State : std::uint8_t {
    start_line,
    fields,
    awaiting_body,
    fixed_body,
    chunk_size,
    chunk_data,
    chunk_end,
    trailers,
    until_close,
    message_end,
    next_message,
    failed,
  };
  enum class LineStatus : std::uint8_t { partial, complete, too_long };

  static bool is_body_state(State state) {
    return state == State::fixed_body || state == State::chunk_data || state == State::until_close;
  }

  Event read_line_state(Bytes& data);
  LineStatus read_line(Bytes& data, std::size_t limit, bool head_line);
  bool plausible_start() const;
  void consume_body(Bytes& data);
  Event on_line();
  Event on_start_line();
  Event on_field_line();
  Event on_chunk_size_line();
  void keep_field(std::string_view name, std::string_view value);
  void keep_first(std::uint8_t field_bit, std::string& field, std::string_view value);
  void append_capped(std::string& field, std::string_view value, std::size_t cap);
  Event fail(Failure failure);
  void reset_message();

  AppCounters& counters_;
  State state_ = State::start_line;
  Role role_ = Role::unknown;
  Failure failure_ = Failure::none;
  std::string line_;            // the line being read, its line end included once complete
  std::size_t head_bytes_ = 0;  // of the head (or trailers) so far, line ends included
  MessageHead head_;
  std::string* last_field_ = nullptr;  // the kept field an obs-fold line continues
  std::uint8_t fields_seen_ = 0;       // a bit per kept field: the first occurrence wins
  bool message_truncated_ = false;     // events_truncated counted for this message
  bool message_malformed_ = false;     // http_malformed counted for this message
  std::uint64_t body_remaining_ = 0;   // of the fixed body or of the chunk
  std::uint64_t body_bytes_ = 0;
};

}  // namespace mld::app::http
