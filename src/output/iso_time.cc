#include "output/iso_time.h"

#include <cstdint>
#include <cstring>

namespace mld::output {
namespace {

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
// civil_from_days): no locale, no time zone database, no allocation.
void civil_from_days(std::int64_t days, std::int64_t& year, unsigned& month, unsigned& day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2);
}

void digits(char* out, std::int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

int year_width(std::int64_t year) {
  int width = 4;
  for (std::int64_t limit = 10000; year >= limit && width < 18; limit *= 10) ++width;
  return width;
}

// "YYYY-MM-DD?HH:MM:SS" of `secs` (>= 0) into `out`; returns the length.
std::size_t format_second(std::int64_t secs, char separator, char* out) {
  std::int64_t year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(secs / 86400, year, month, day);
  const std::int64_t in_day = secs % 86400;
  const int y = year_width(year);
  digits(out, year, y);
  char* p = out + y;
  p[0] = '-';
  digits(p + 1, month, 2);
  p[3] = '-';
  digits(p + 4, day, 2);
  p[6] = separator;
  digits(p + 7, in_day / 3600, 2);
  p[9] = ':';
  digits(p + 10, in_day / 60 % 60, 2);
  p[12] = ':';
  digits(p + 13, in_day % 60, 2);
  return static_cast<std::size_t>(y) + 15;
}

}  // namespace

std::size_t format_time(Micros time, TimeStyle style, char* out) {
  if (time < 0) time = 0;
  const std::int64_t secs = time / kMicrosPerSecond;
  const std::int64_t micros = time % kMicrosPerSecond;
  const char separator = style == TimeStyle::eve ? 'T' : ' ';
  // Consecutive events mostly fall in the same second: reuse its text.
  thread_local std::int64_t cached_second = -1;
  thread_local char cached_separator = 0;
  thread_local char cached_text[kMaxTimeLength];
  thread_local std::size_t cached_length = 0;
  if (secs != cached_second || separator != cached_separator) {
    cached_length = format_second(secs, separator, cached_text);
    cached_second = secs;
    cached_separator = separator;
  }
  std::memcpy(out, cached_text, cached_length);
  char* p = out + cached_length;
  p[0] = '.';
  digits(p + 1, micros, 6);
  if (style == TimeStyle::csv) return cached_length + 7;
  std::memcpy(p + 7, "+0000", 5);
  return cached_length + 12;
}

}  // namespace mld::output
