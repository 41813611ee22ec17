#pragma once
// Numbers as both our formats write them: integers in decimal; doubles in
// shortest round-trip form, always with a '.' or an exponent ("54.0", spec
// D17), and laid out as Python's repr() lays them out (the dataset's CSVs were
// written by pandas): fixed notation for magnitudes in [1e-4, 1e16)
// ("2000000.0", not "2e+06"), scientific outside ("1e+16", "1.5e-05").
// Callers never pass NaN or infinities (JsonWriter turns them to null).
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>

namespace mld::output {

inline constexpr std::size_t kMaxNumberLength = 32;

// Writes into `out` (kMaxNumberLength bytes); returns the length.
inline std::size_t format_integer(std::int64_t value, char* out) {
  return static_cast<std::size_t>(std::to_chars(out, out + kMaxNumberLength, value).ptr - out);
}

inline std::size_t format_double(double value, char* out) {
  // Whole numbers (most CIC doubles: 0.0, -1.0, means of equal values) are
  // exact as integers, and an integer is much cheaper to print than the
  // shortest round-trip search; "-0.0" keeps its sign.
  // The range test comes first: converting an out-of-range double is undefined.
  if (value > -1e15 && value < 1e15 &&
      value == static_cast<double>(static_cast<std::int64_t>(value)) &&
      !(value == 0 && std::signbit(value))) {
    std::size_t n = format_integer(static_cast<std::int64_t>(value), out);
    out[n++] = '.';
    out[n++] = '0';
    return n;
  }
  const double magnitude = std::abs(value);
  const bool fixed = magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e16);
  const auto format = fixed ? std::chars_format::fixed : std::chars_format::scientific;
  std::size_t n = static_cast<std::size_t>(
      std::to_chars(out, out + kMaxNumberLength - 2, value, format).ptr - out);
  if (std::string_view(out, n).find_first_of(".e") == std::string_view::npos) {
    out[n++] = '.';
    out[n++] = '0';
  }
  return n;
}

}  // namespace mld::output
