#pragma once
// Text of bounded length stored inline, so records that carry it stay plain
// values (copied between threads without allocation). Longer text is cut.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mld {

template <std::size_t Capacity>
class FixedText {
  static_assert(Capacity < 65536);

 public:
  // Returns false when `text` was cut to fit.
  bool assign(std::string_view text) {
    length_ = static_cast<std::uint16_t>(std::min(text.size(), Capacity));
    std::copy_n(text.data(), length_, data_);
    return length_ == text.size();
  }
  std::string_view view() const { return {data_, length_}; }
  bool empty() const { return length_ == 0; }

 private:
  char data_[Capacity];
  std::uint16_t length_ = 0;
};

}  // namespace mld
