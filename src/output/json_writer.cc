#include "output/json_writer.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstring>

#include "common/utf8.h"
#include "output/number_format.h"

namespace mld::output {
namespace {

// Bytes that JSON strings may hold as they are: printable ASCII but '"' and '\\'.
constexpr auto kPlain = [] {
  std::array<bool, 256> table{};
  for (int c = 0x20; c < 0x80; ++c) table[c] = c != '"' && c != '\\';
  return table;
}();

bool plain(unsigned char c) { return kPlain[c]; }

// Writes `text` as a JSON string at `p` (room for 6 bytes per input byte + 2
// must be reserved); returns the end.
char* escape_into(char* p, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  *p++ = '"';
  std::size_t i = 0;
  while (i < text.size()) {
    // Most text needs no escaping at all: copy runs, not characters.
    std::size_t run = i;
    while (run < text.size() && plain(static_cast<unsigned char>(text[run]))) ++run;
    std::memcpy(p, text.data() + i, run - i);
    p += run - i;
    if ((i = run) == text.size()) break;

    const auto c = static_cast<unsigned char>(text[i]);
    const char* short_escape = c == '"'    ? "\\\""
                               : c == '\\' ? "\\\\"
                               : c == '\n'  ? "\\n"
                               : c == '\r'  ? "\\r"
                               : c == '\t'  ? "\\t"
                                            : nullptr;
    if (short_escape != nullptr) {
      *p++ = short_escape[0];
      *p++ = short_escape[1];
      ++i;
    } else if (c < 0x20) {
      const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
      std::memcpy(p, escaped, sizeof escaped);
      p += sizeof escaped;
      ++i;
    } else if (const std::size_t n = utf8_sequence(text, i); n != 0) {
      std::memcpy(p, text.data() + i, n);
      p += n;
      i += n;
    } else {
      std::memcpy(p, "\\ufffd", 6);  // not UTF-8 (a hostile file name or field)
      p += 6;
      ++i;
    }
  }
  *p++ = '"';
  return p;
}

void write_string(TextBuffer& out, std::string_view text) {
  char* start = out.reserve(6 * text.size() + 2);
  out.advance(static_cast<std::size_t>(escape_into(start, text) - start));
}

template <class Number>
void write_number(TextBuffer& out, Number number) {
  char* start = out.reserve(24);
  out.advance(static_cast<std::size_t>(std::to_chars(start, start + 24, number).ptr - start));
}

}  // namespace

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ > 0) {
    if (has_elements_[depth_ - 1]) out_.push_back(',');
    has_elements_[depth_ - 1] = true;
  }
}

void JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  has_elements_[depth_++] = false;
}

void JsonWriter::end_object() {
  out_.push_back('}');
  --depth_;
}

void JsonWriter::begin_array() {
  before_value();
  out_.push_back('[');
  has_elements_[depth_++] = false;
}

void JsonWriter::end_array() {
  out_.push_back(']');
  --depth_;
}

void JsonWriter::key(std::string_view name) {
  before_value();
  assert(std::all_of(name.begin(), name.end(), [](char c) { return plain(c); }));
  char* p = out_.reserve(name.size() + 3);
  p[0] = '"';
  std::memcpy(p + 1, name.data(), name.size());
  p[name.size() + 1] = '"';
  p[name.size() + 2] = ':';
  out_.advance(name.size() + 3);
  after_key_ = true;
}

void JsonWriter::value(std::string_view text) {
  before_value();
  write_string(out_, text);
}

void JsonWriter::value(std::uint64_t number) {
  before_value();
  write_number(out_, number);
}

void JsonWriter::value(std::int64_t number) {
  before_value();
  write_number(out_, number);
}

void JsonWriter::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
}

void JsonWriter::value(double number) {
  before_value();
  if (!std::isfinite(number)) {
    out_ += "null";
    return;
  }
  char* start = out_.reserve(kMaxNumberLength);
  out_.advance(format_double(number, start));
}

}  // namespace mld::output
