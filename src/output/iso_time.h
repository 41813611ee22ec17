#pragma once
// Timestamps as EVE writes them: 2016-08-18T11:05:39.960839+0000 (UTC).
#include <cstddef>

#include "common/time.h"

namespace mld::output {

inline constexpr std::size_t kIsoTimeLength = 31;

// Writes exactly kIsoTimeLength characters (no terminator) into `out`.
void format_iso_time(Micros time, char* out);

}  // namespace mld::output
