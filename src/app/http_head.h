#pragma once
// The lines of an HTTP/1.x message head (RFC 9112): start lines, header
// fields, and what the sensor takes from them. Pure functions over one line
// or one value each; src/app/http_stream.h cuts the stream into lines.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mld::app::http {

struct RequestLine {
  std::string_view method, target, protocol;
};

struct StatusLine {
  std::string_view protocol;
  std::uint32_t status = 0;
};

struct HeaderField {
  std::string_view name, value;  // value without surrounding spaces and tabs
};

// True when `line` (CR LF removed) starts like a status line ("HTTP/").
bool looks_like_status_line(std::string_view line);

// "METHOD SP target SP HTTP/x.y". Runs of spaces or tabs between the parts
// are accepted, as servers do; anything else is not a request line.
std::optional<RequestLine> parse_request_line(std::string_view line);

// "HTTP/x.y SP 3DIGIT [SP reason]".
std::optional<StatusLine> parse_status_line(std::string_view line);

// "name: value"; nullopt when the line has no colon or the name is empty or
// holds whitespace.
std::optional<HeaderField> parse_header_field(std::string_view line);

bool equals_ignoring_case(std::string_view a, std::string_view b);
// RFC 9110 5.6.2 tchar: what methods and header names are made of.
bool is_token_char(char c);
// Without leading and trailing spaces and tabs.
std::string_view trim_blanks(std::string_view s);

// Decimal Content-Length; nullopt when not all digits or over 2^63 - 1.
std::optional<std::uint64_t> parse_content_length(std::string_view value);

// Hex chunk size, chunk extensions after ';' ignored; nullopt when invalid or over 2^60.
std::optional<std::uint64_t> parse_chunk_size(std::string_view line);

// Transfer-Encoding whose final coding is "chunked".
bool is_chunked(std::string_view transfer_encoding);

// The host of a Host value or of an absolute URI's authority, as Suricata
// logs it: port (and user info) removed, ASCII letters in lower case.
std::string hostname_of_host_header(std::string_view value);
// Empty when `target` is not an absolute http(s) URI.
std::string hostname_of_absolute_uri(std::string_view target);

// The media type of a Content-Type value: parameters after ';' removed.
std::string_view media_type(std::string_view content_type);

}  // namespace mld::app::http
