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

constexpr std::size_t kSecondLength = 19;  // "YYYY-MM-DDTHH:MM:SS"

void format_second(std::int64_t secs, char* out) {
  std::int64_t days = secs / 86400;
  std::int64_t in_day = secs % 86400;
  if (in_day < 0) in_day += 86400, days -= 1;
  std::int64_t year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(days, year, month, day);
  if (year < 0 || year > 9999) year = year < 0 ? 0 : 9999;  // the format has four digits

  digits(out, year, 4);
  out[4] = '-';
  digits(out + 5, month, 2);
  out[7] = '-';
  digits(out + 8, day, 2);
  out[10] = 'T';
  digits(out + 11, in_day / 3600, 2);
  out[13] = ':';
  digits(out + 14, in_day / 60 % 60, 2);
  out[16] = ':';
  digits(out + 17, in_day % 60, 2);
}

}  // namespace

void format_iso_time(Micros time, char* out) {
  std::int64_t secs = time / kMicrosPerSecond;
  std::int64_t micros = time % kMicrosPerSecond;
  if (micros < 0) micros += kMicrosPerSecond, secs -= 1;
  // Consecutive events mostly fall in the same second: reuse its text.
  thread_local std::int64_t cached_second = -1;
  thread_local char cached_text[kSecondLength];
  if (secs != cached_second) {
    format_second(secs, cached_text);
    cached_second = secs;
  }
  std::memcpy(out, cached_text, kSecondLength);
  out[19] = '.';
  digits(out + 20, micros, 6);
  out[26] = '+';
  out[27] = out[28] = out[29] = out[30] = '0';
}

}  // namespace mld::output
