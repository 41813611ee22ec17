#include "app/http_stream.h"

#include <algorithm>
#include <cstring>

#include "app/http_head.h"

namespace mld::app::http {
namespace {

constexpr std::uint8_t kSeenHost = 1, kSeenUserAgent = 2, kSeenContentType = 4;
// Methods and "HTTP/1.1" are short: a first word longer than this is not HTTP.
constexpr std::size_t kMaxFirstWordBytes = 64;

enum class Framing : std::uint8_t { none, fixed, chunked, until_close };

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// RFC 9112 6.3 for a request; nullopt when its end cannot be trusted.
std::optional<Framing> request_framing(const MessageHead& head) {
  if (head.transfer_encoding) {
    if (head.chunked) return Framing::chunked;
    return std::nullopt;
  }
  if (head.bad_content_length) return std::nullopt;
  return head.content_length.value_or(0) > 0 ? Framing::fixed : Framing::none;
}

// RFC 9112 6.3 for a response to `method`.
std::optional<Framing> response_framing(const MessageHead& head, std::string_view method) {
  const std::uint32_t status = head.status.value_or(0);
  const bool tunnel = method == "CONNECT" && status >= 200 && status < 300;
  if (method == "HEAD" || tunnel || status < 200 || status == 204 || status == 304) {
    return Framing::none;
  }
  if (head.transfer_encoding) return head.chunked ? Framing::chunked : Framing::until_close;
  if (head.bad_content_length) return std::nullopt;
  if (!head.content_length) return Framing::until_close;
  return *head.content_length > 0 ? Framing::fixed : Framing::none;
}

}  // namespace

MessageReader::Event MessageReader::read(Bytes& data) {
  for (;;) {
    switch (state_) {
      case State::failed:
        return Event::failed;
      case State::awaiting_body:
        return Event::need_more;
      case State::message_end:
        // The next message starts on the next call, so body_bytes() still
        // describes this one when the caller sees message_done.
        state_ = State::next_message;
        return Event::message_done;
      case State::next_message:
        reset_message();
        break;
      case State::fixed_body:
      case State::chunk_data:
      case State::until_close:
        consume_body(data);
        if (is_body_state(state_)) return Event::need_more;  // every byte was body
        break;
      default: {
        if (data.empty()) return Event::need_more;
        const Event event = read_line_state(data);
        if (event != Event::need_more) return event;
      }
    }
  }
}

void MessageReader::consume_body(Bytes& data) {
  if (state_ == State::until_close) {
    body_bytes_ += data.size();
    data = {};
    return;
  }
  const std::size_t take =
      static_cast<std::size_t>(std::min<std::uint64_t>(body_remaining_, data.size()));
  data = data.subspan(take);
  body_bytes_ += take;
  body_remaining_ -= take;
  if (body_remaining_ == 0) {
    state_ = state_ == State::chunk_data ? State::chunk_end : State::message_end;
  }
}

MessageReader::Event MessageReader::read_line_state(Bytes& data) {
  const bool head_line =
      state_ == State::start_line || state_ == State::fields || state_ == State::trailers;
  const std::size_t limit = head_line ? kMaxHeadBytes - head_bytes_ : kMaxChunkLineBytes;
  switch (read_line(data, limit, head_line)) {
    case LineStatus::too_long:
      return fail(head_line ? Failure::oversized_head : Failure::bad_framing);
    case LineStatus::partial:
      // Binary data sent to an HTTP port shows at once, not after 16 KiB.
      if (state_ == State::start_line && !plausible_start()) return fail(Failure::not_http);
      return Event::need_more;
    case LineStatus::complete:
      break;
  }
  const Event event = on_line();
  line_.clear();
  return event;
}

MessageReader::LineStatus MessageReader::read_line(Bytes& data, std::size_t limit, bool head_line) {
  const std::uint8_t* begin = data.data();
  const auto* lf = static_cast<const std::uint8_t*>(std::memchr(begin, '\n', data.size()));
  const std::size_t n = lf == nullptr ? data.size() : static_cast<std::size_t>(lf - begin) + 1;
  if (n > limit - line_.size()) return LineStatus::too_long;
  line_.append(reinterpret_cast<const char*>(begin), n);
  data = data.subspan(n);
  if (lf == nullptr) return LineStatus::partial;
  if (head_line) head_bytes_ += line_.size();
  line_.pop_back();
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  return LineStatus::complete;
}

bool MessageReader::plausible_start() const {
  const std::string_view first_word = std::string_view(line_).substr(0, kMaxFirstWordBytes + 1);
  for (std::size_t i = 0; i < first_word.size(); ++i) {
    const char c = first_word[i];
    if (i > 0 && is_blank(c)) return true;
    const bool blank_line_cr = c == '\r' && i + 1 == line_.size();
    if (!is_token_char(c) && c != '/' && !blank_line_cr) return false;
  }
  return first_word.size() <= kMaxFirstWordBytes;
}

MessageReader::Event MessageReader::on_line() {
  switch (state_) {
    case State::start_line:
      return on_start_line();
    case State::fields:
      return on_field_line();
    case State::chunk_size:
      return on_chunk_size_line();
    case State::chunk_end:
      if (!line_.empty()) return fail(Failure::bad_framing);
      state_ = State::chunk_size;
      return Event::need_more;
    default:  // trailers: read over, up to the empty line
      if (line_.empty()) state_ = State::message_end;
      return Event::need_more;
  }
}

MessageReader::Event MessageReader::on_start_line() {
  if (line_.empty()) return Event::need_more;  // empty lines before a message are allowed
  if (role_ == Role::unknown) role_ = looks_like_status_line(line_) ? Role::server : Role::client;
  if (role_ == Role::client) {
    const std::optional<RequestLine> request = parse_request_line(line_);
    if (!request) return fail(Failure::not_http);
    append_capped(head_.method, request->method, kMaxFieldBytes);
    append_capped(head_.url, request->target, kMaxUrlBytes);
    append_capped(head_.protocol, request->protocol, kMaxFieldBytes);
  } else {
    const std::optional<StatusLine> status = parse_status_line(line_);
    if (!status) return fail(Failure::not_http);
    head_.status = status->status;
    append_capped(head_.protocol, status->protocol, kMaxFieldBytes);
  }
  state_ = State::fields;
  return Event::need_more;
}

MessageReader::Event MessageReader::on_field_line() {
  if (line_.empty()) {
    state_ = State::awaiting_body;
    return Event::head_done;
  }
  if (is_blank(line_.front())) {  // obs-fold: continues the previous field's value
    if (last_field_ != nullptr) {
      append_capped(*last_field_, " ", kMaxFieldBytes);
      append_capped(*last_field_, trim_blanks(line_), kMaxFieldBytes);
    }
    return Event::need_more;
  }
  const std::optional<HeaderField> field = parse_header_field(line_);
  if (field) {
    keep_field(field->name, field->value);
  } else if (!message_malformed_) {
    message_malformed_ = true;  // the line is left out; the message goes on
    counters_.http_malformed.add();
  }
  return Event::need_more;
}

MessageReader::Event MessageReader::on_chunk_size_line() {
  const std::optional<std::uint64_t> size = parse_chunk_size(line_);
  if (!size) return fail(Failure::bad_framing);
  if (*size == 0) {
    state_ = State::trailers;
    head_bytes_ = 0;  // the trailer section gets a head's budget of its own
  } else {
    body_remaining_ = *size;
    state_ = State::chunk_data;
  }
  return Event::need_more;
}

void MessageReader::keep_field(std::string_view name, std::string_view value) {
  last_field_ = nullptr;
  if (equals_ignoring_case(name, "Host")) {
    keep_first(kSeenHost, head_.host, value);
  } else if (equals_ignoring_case(name, "User-Agent")) {
    keep_first(kSeenUserAgent, head_.user_agent, value);
  } else if (equals_ignoring_case(name, "Content-Type")) {
    keep_first(kSeenContentType, head_.content_type, value);
  } else if (equals_ignoring_case(name, "Content-Length")) {
    const std::optional<std::uint64_t> length = parse_content_length(value);
    if (!length || (head_.content_length && *head_.content_length != *length)) {
      head_.bad_content_length = true;
    } else {
      head_.content_length = length;
    }
  } else if (equals_ignoring_case(name, "Transfer-Encoding")) {
    head_.transfer_encoding = true;
    head_.chunked = is_chunked(value);
  }
}

void MessageReader::keep_first(std::uint8_t field_bit, std::string& field, std::string_view value) {
  if ((fields_seen_ & field_bit) != 0) return;
  fields_seen_ |= field_bit;
  append_capped(field, value, kMaxFieldBytes);
  last_field_ = &field;
}

void MessageReader::append_capped(std::string& field, std::string_view value, std::size_t cap) {
  const std::size_t room = cap - std::min(cap, field.size());
  if (value.size() > room) {
    value = value.substr(0, room);
    if (!message_truncated_) counters_.events_truncated.add();
    message_truncated_ = true;
  }
  field.append(value);
}

void MessageReader::start_body(std::string_view request_method) {
  if (state_ != State::awaiting_body) return;
  const std::optional<Framing> framing =
      role_ == Role::client ? request_framing(head_) : response_framing(head_, request_method);
  if (!framing) {
    fail(Failure::bad_framing);
    return;
  }
  switch (*framing) {
    case Framing::none:
      state_ = State::message_end;
      break;
    case Framing::fixed:
      body_remaining_ = *head_.content_length;
      state_ = State::fixed_body;
      break;
    case Framing::chunked:
      state_ = State::chunk_size;
      break;
    case Framing::until_close:
      state_ = State::until_close;
      break;
  }
}

bool MessageReader::skip_gap(std::uint64_t length) {
  const bool known_extent = state_ == State::fixed_body || state_ == State::chunk_data;
  if (state_ == State::until_close || (known_extent && length <= body_remaining_)) {
    body_bytes_ += length;
    if (known_extent) body_remaining_ -= length;
    return true;
  }
  if (state_ != State::failed) fail(Failure::gap);
  return false;
}

MessageReader::Event MessageReader::fail(Failure failure) {
  state_ = State::failed;
  failure_ = failure;
  if (failure == Failure::not_http || failure == Failure::bad_framing) {
    counters_.http_malformed.add();
  } else if (failure == Failure::oversized_head) {
    counters_.http_oversized_headers.add();
  }
  return Event::failed;
}

void MessageReader::reset_message() {
  state_ = State::start_line;
  head_ = MessageHead{};
  head_bytes_ = 0;
  last_field_ = nullptr;
  fields_seen_ = 0;
  message_truncated_ = false;
  message_malformed_ = false;
  body_remaining_ = 0;
  body_bytes_ = 0;
}

}  // namespace mld::app::http
