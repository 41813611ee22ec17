#pragma once
// Appends one JSON document to a TextBuffer: the caller states keys and
// values in order; the writer adds commas and escapes strings. No allocation
// beyond the buffer's own growth, no intermediate tree.
//
// Why not RapidJSON: Debian 12's RapidJSON 1.1.0 does pointer arithmetic on a
// null stack pointer on first use (undefined behaviour that UBSan reports in
// every sanitizer build), and our events have fixed shapes that need no DOM.
#include <cstdint>
#include <string_view>

#include "output/text_buffer.h"

namespace mld::output {

class JsonWriter {
 public:
  explicit JsonWriter(TextBuffer& out) : out_(out) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // `name` is a key chosen by the program (an identifier, never input data):
  // it is written as is, without escaping.
  void key(std::string_view name);

  void value(std::string_view text);  // escaped; invalid UTF-8 becomes U+FFFD
  void value(const char* text) { value(std::string_view(text)); }
  void value(std::uint64_t number);
  void value(std::int64_t number);
  void value(std::uint32_t number) { value(std::uint64_t{number}); }
  void value(std::int32_t number) { value(std::int64_t{number}); }
  void value(std::uint16_t number) { value(std::uint64_t{number}); }
  void value(std::int16_t number) { value(std::int64_t{number}); }
  void value(std::uint8_t number) { value(std::uint64_t{number}); }
  void value(bool flag);
  // Shortest round-trip form, always with a '.' or an exponent ("54.0");
  // NaN and infinities, which JSON cannot express, are written as null.
  void value(double number);

  // For fixed-shape blocks written by hand: handles the separator as for any
  // value, then returns the buffer; the caller appends exactly one valid JSON
  // value.
  TextBuffer& raw_value() {
    before_value();
    return out_;
  }

  template <class T>
  void field(std::string_view name, const T& v) {
    key(name);
    value(v);
  }

 private:
  void before_value();

  static constexpr int kMaxDepth = 32;
  TextBuffer& out_;
  int depth_ = 0;
  bool has_elements_[kMaxDepth] = {};
  bool after_key_ = false;
};

}  // namespace mld::output
