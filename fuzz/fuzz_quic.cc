// libFuzzer target for the QUIC dissector. The input is a list of records:
//   length (2 bytes, big-endian), flags (1 byte), `length` bytes.
// Flags bit 0: the datagram comes from the backward side. Bit 1: the bytes
// are sealed first as the frames of a client Initial packet, so that frame
// walking, reassembly and hello parsing are reached behind valid protection
// (random bytes almost never pass AES-GCM); bits 2-4 then pick its version.
// Bit 7: a gap is reported first (UDP dissectors ignore it; it must stay harmless).
// A record cut short by the end of the input is fed as it is.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <variant>
#include <vector>

#include "app/quic.h"
#include "fuzz_require.h"
#include "tools/quic_initial_builder.h"

namespace {

using namespace mld;
using namespace mld::app;
using mld::fuzz::require;

constexpr std::uint8_t kBackward = 0x01;
constexpr std::uint8_t kSeal = 0x02;
constexpr std::uint8_t kGap = 0x80;
constexpr std::uint32_t kVersions[] = {
    0x00000001,  // v1
    0x6b3343cf,  // v2
    0xff00001d,  // draft-29
    0x51303530,  // Q050: gQUIC frames, CHLO
    0x54303531,  // T051: gQUIC frames, TLS
};

class CheckedOut final : public EventOut {
 public:
  void emit(flow::Direction, Micros, AppEventBody body) override {
    require(std::holds_alternative<QuicEvent>(body), "QUIC emits QUIC events only");
    ++events;
  }
  int events = 0;
};

// Reads every byte of the host name, so AddressSanitizer sees a dangling view.
volatile unsigned host_checksum = 0;
void touch(std::string_view host) {
  unsigned sum = 0;
  for (char c : host) sum += static_cast<unsigned char>(c);
  host_checksum = sum;
}

std::vector<std::uint8_t> seal(const std::uint8_t* data, std::size_t size, std::uint8_t flags,
                               std::uint32_t packet_number) {
  testing::InitialSpec spec;
  spec.version = kVersions[((flags >> 2) & 0x7) % std::size(kVersions)];
  spec.packet_number = packet_number;
  return testing::protected_initial(spec, std::vector<std::uint8_t>(data, data + size));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  AppCounters counters;
  const auto dissector = make_quic_dissector(counters);
  CheckedOut out;
  Micros clock = 0;
  std::uint32_t packet_number = 0;
  std::size_t at = 0;
  while (at + 3 <= size && dissector->wants_more()) {
    const std::size_t length = (std::size_t{data[at]} << 8) | data[at + 1];
    const std::uint8_t flags = data[at + 2];
    at += 3;
    const std::size_t take = length < size - at ? length : size - at;
    const flow::Direction side =
        (flags & kBackward) != 0 ? flow::Direction::backward : flow::Direction::forward;
    if ((flags & kGap) != 0) dissector->on_gap(side, length);
    if ((flags & kSeal) != 0) {
      const std::vector<std::uint8_t> packet = seal(data + at, take, flags, packet_number++);
      dissector->on_data(side, ++clock, packet, out);
    } else {
      dissector->on_data(side, ++clock, Bytes(data + at, take), out);
    }
    at += take;
    touch(dissector->host());
  }
  dissector->on_flow_end(++clock, out);
  require(out.events <= 1, "one event per flow at most");
  require(!dissector->wants_more(), "nothing wanted after the flow's end");
  return 0;
}
