#pragma once
// A time or an address as our formats write it, formatted on the stack for
// setters that copy it (the protobuf encoder's).
#include <cstddef>
#include <string_view>

#include "common/time.h"
#include "decode/ip_address.h"
#include "output/iso_time.h"

namespace mld::output {

class TimeText {
 public:
  explicit TimeText(Micros time) : size_(format_time(time, TimeStyle::eve, text_)) {}
  std::string_view view() const { return {text_, size_}; }

 private:
  char text_[kMaxTimeLength];
  std::size_t size_;
};

class AddressText {
 public:
  AddressText(const decode::IpAddress& address, decode::IpVersion version)
      : size_(address.format(version, text_)) {}
  std::string_view view() const { return {text_, size_}; }

 private:
  char text_[decode::IpAddress::kMaxTextLength];
  std::size_t size_;
};

}  // namespace mld::output
