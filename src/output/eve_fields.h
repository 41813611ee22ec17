#pragma once
// Fields that several EVE writers (eve_writer.cc, eve_detection_writer.cc)
// write alike: times in EVE's form, addresses as text.
#include <string_view>

#include "common/time.h"
#include "decode/ip_address.h"
#include "output/iso_time.h"
#include "output/json_writer.h"

namespace mld::output {

inline void time_field(JsonWriter& w, std::string_view name, Micros time) {
  char text[kMaxTimeLength];
  w.field(name, std::string_view(text, format_time(time, TimeStyle::eve, text)));
}

inline void address_field(JsonWriter& w, std::string_view name, const decode::IpAddress& address,
                          decode::IpVersion version) {
  char text[decode::IpAddress::kMaxTextLength];
  w.field(name, std::string_view(text, address.format(version, text)));
}

}  // namespace mld::output
