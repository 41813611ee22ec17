#pragma once
// Timestamps as our formats write them, in UTC, always with 6 fraction digits:
//   eve: 2016-08-18T11:05:39.960839+0000   (Suricata's EVE)
//   csv: 2016-08-18 11:05:39.960839        (the CIC dataset, spec 2.3)
// Years past 9999 (corrupt captures) are written with all their digits.
#include <cstddef>

#include "common/time.h"

namespace mld::output {

enum class TimeStyle { eve, csv };

inline constexpr std::size_t kMaxTimeLength = 40;

// Writes the text into `out` (kMaxTimeLength bytes, no terminator); returns
// its length. Times before 1970 are written as 1970-01-01.
std::size_t format_time(Micros time, TimeStyle style, char* out);

}  // namespace mld::output
