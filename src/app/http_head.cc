#include "app/http_head.h"

#include <algorithm>
#include <array>

namespace mld::app::http {
namespace {

constexpr std::string_view kProtocolPrefix = "HTTP/";
constexpr std::string_view kBlanks = " \t";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_token(std::string_view s) { return !s.empty() && std::ranges::all_of(s, is_token_char); }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_ignoring_case(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && equals_ignoring_case(s.substr(0, prefix.size()), prefix);
}

// "[v6 literal]:port" keeps its brackets; "name:port" loses its port.
std::string_view host_part(std::string_view value) {
  if (value.starts_with('[')) {
    const std::size_t close = value.find(']');
    return close == std::string_view::npos ? value : value.substr(0, close + 1);
  }
  return value.substr(0, value.find(':'));
}

bool is_protocol(std::string_view s) {
  return s.size() > kProtocolPrefix.size() && s.starts_with(kProtocolPrefix);
}

}  // namespace

bool looks_like_status_line(std::string_view line) { return line.starts_with(kProtocolPrefix); }

std::optional<RequestLine> parse_request_line(std::string_view line) {
  // The target is whatever lies between method and protocol, so a target
  // with spaces in it (seen in attacks) is kept whole.
  line = line.substr(0, line.find_last_not_of(kBlanks) + 1);  // npos + 1: all blank
  const std::size_t method_end = line.find_first_of(kBlanks);
  const std::size_t protocol_start = line.find_last_of(kBlanks);
  if (method_end == std::string_view::npos || protocol_start == method_end) return std::nullopt;
  RequestLine request{line.substr(0, method_end),
                      trim_blanks(line.substr(method_end, protocol_start - method_end)),
                      line.substr(protocol_start + 1)};
  if (!is_token(request.method) || request.target.empty() || !is_protocol(request.protocol)) {
    return std::nullopt;
  }
  return request;
}

std::optional<StatusLine> parse_status_line(std::string_view line) {
  const std::size_t protocol_end = line.find_first_of(kBlanks);
  if (protocol_end == std::string_view::npos) return std::nullopt;
  StatusLine status{line.substr(0, protocol_end)};
  const std::string_view rest = trim_blanks(line.substr(protocol_end));
  const std::string_view code = rest.substr(0, rest.find_first_of(kBlanks));
  if (!is_protocol(status.protocol) || code.size() != 3 || !std::ranges::all_of(code, is_digit)) {
    return std::nullopt;
  }
  for (const char digit : code) {
    status.status = status.status * 10 + static_cast<std::uint32_t>(digit - '0');
  }
  return status;
}

std::optional<HeaderField> parse_header_field(std::string_view line) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  // Whitespace before the colon is tolerated (as libhtp does), not inside the name.
  const std::string_view name = trim_blanks(line.substr(0, colon));
  if (name.empty() || name.find_first_of(kBlanks) != std::string_view::npos) return std::nullopt;
  return HeaderField{name, trim_blanks(line.substr(colon + 1))};
}

bool is_token_char(char c) {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         kSymbols.find(c) != std::string_view::npos;
}

std::string_view trim_blanks(std::string_view s) {
  const std::size_t first = s.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kBlanks) - first + 1);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) { return lower(x) == lower(y); });
}

std::optional<std::uint64_t> parse_content_length(std::string_view value) {
  constexpr std::uint64_t kMax = (std::uint64_t{1} << 63) - 1;
  if (value.empty()) return std::nullopt;
  std::uint64_t length = 0;
  for (const char c : value) {
    if (!is_digit(c)) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (length > (kMax - digit) / 10) return std::nullopt;
    length = length * 10 + digit;
  }
  return length;
}

std::optional<std::uint64_t> parse_chunk_size(std::string_view line) {
  constexpr std::uint64_t kMax = std::uint64_t{1} << 60;
  const std::string_view digits = trim_blanks(line.substr(0, line.find(';')));
  if (digits.empty() || digits.size() > 16) return std::nullopt;
  std::uint64_t size = 0;
  for (const char c : digits) {
    const char l = lower(c);
    const int value = is_digit(l) ? l - '0' : (l >= 'a' && l <= 'f') ? l - 'a' + 10 : -1;
    if (value < 0) return std::nullopt;
    size = size * 16 + static_cast<std::uint64_t>(value);
  }
  if (size > kMax) return std::nullopt;
  return size;
}

bool is_chunked(std::string_view transfer_encoding) {
  const std::size_t comma = transfer_encoding.rfind(',');
  const std::string_view last =
      comma == std::string_view::npos ? transfer_encoding : transfer_encoding.substr(comma + 1);
  return equals_ignoring_case(trim_blanks(last), "chunked");
}

std::string hostname_of_host_header(std::string_view value) {
  std::string host(host_part(trim_blanks(value)));
  std::ranges::transform(host, host.begin(), lower);
  return host;
}

std::string hostname_of_absolute_uri(std::string_view target) {
  constexpr std::array<std::string_view, 2> kSchemes{"http://", "https://"};
  for (const std::string_view scheme : kSchemes) {
    if (!starts_with_ignoring_case(target, scheme)) continue;
    std::string_view authority = target.substr(scheme.size());
    authority = authority.substr(0, authority.find_first_of("/?#"));
    const std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) authority = authority.substr(at + 1);
    return hostname_of_host_header(authority);
  }
  return {};
}

std::string_view media_type(std::string_view content_type) {
  return trim_blanks(content_type.substr(0, content_type.find(';')));
}

}  // namespace mld::app::http
