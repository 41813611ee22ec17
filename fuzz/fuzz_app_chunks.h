#pragma once
// Drives an application dissector from a fuzzer's input, the way the flow
// layer would and worse: the input is a list of records
//   [control byte][length, 2 bytes big-endian][length bytes of data]
// (the last record takes what is left when its length says more). Control
// bit 0 picks the direction; bit 1 reports a gap of (control >> 2) * 97
// bytes before the data. Data keeps being given after wants_more() turns
// false, which the dissector must tolerate. The flow then ends.
#include <cstddef>
#include <cstdint>

#include "app/dissector.h"

namespace mld::fuzz {

inline void drive_dissector(app::Dissector& dissector, const std::uint8_t* input, std::size_t size,
                            app::EventOut& out) {
  constexpr std::size_t kRecordHeader = 3;
  Micros clock = 0;
  while (size >= kRecordHeader) {
    const std::uint8_t control = input[0];
    const std::size_t length = std::size_t{input[1]} << 8 | input[2];
    input += kRecordHeader, size -= kRecordHeader;
    const std::size_t take = length < size ? length : size;
    const auto side = (control & 1) != 0 ? flow::Direction::backward : flow::Direction::forward;
    if ((control & 2) != 0) dissector.on_gap(side, (std::uint64_t{control} >> 2) * 97);
    dissector.on_data(side, ++clock, app::Bytes(input, take), out);
    (void)dissector.wants_more();
    (void)dissector.host();
    input += take, size -= take;
  }
  dissector.on_flow_end(++clock, out);
}

}  // namespace mld::fuzz
