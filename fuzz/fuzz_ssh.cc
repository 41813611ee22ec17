// libFuzzer target for the SSH dissector. The input is a sequence of records
// [control, length, bytes...]: control bit 0 picks the direction; with bit 7
// set the record is a gap of length * 64 bytes (no bytes follow), otherwise
// `length` bytes of stream data follow (fewer at the end of the input). The
// flow then ends. Invariants: at most one event, none once wants_more() is false.
#include <cstdint>
#include <string>
#include <variant>

#include "app/ssh.h"
#include "fuzz_require.h"

namespace {

using namespace mld::app;
using mld::fuzz::require;

class CheckedOut final : public EventOut {
 public:
  void emit(mld::flow::Direction, mld::Micros, AppEventBody body) override {
    ++events;
    const auto& event = std::get<SshEvent>(body);
    for (const SshEndpoint* side : {&event.client, &event.server}) {
      require(side->proto_version.size() + side->software_version.size() <= ssh::kMaxLineBytes,
              "banner within its line");
      if (!side->hassh) continue;
      require(side->hassh->hash.size() == 32, "hassh is 32 hex digits");
      touched += side->hassh->string.size();
    }
  }
  int events = 0;
  std::size_t touched = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  AppCounters counters;
  auto dissector = make_ssh_dissector(counters);
  CheckedOut out;
  mld::Micros now = 0;
  while (size >= 2) {
    const auto side =
        (data[0] & 1) ? mld::flow::Direction::backward : mld::flow::Direction::forward;
    const bool gap = (data[0] & 0x80) != 0;
    const std::size_t length = data[1];
    data += 2, size -= 2;
    const bool wanted = dissector->wants_more();
    const int before = out.events;
    if (gap) {
      dissector->on_gap(side, length * 64);
    } else {
      const std::size_t n = length < size ? length : size;
      dissector->on_data(side, ++now, Bytes(data, n), out);
      data += n, size -= n;
    }
    require(wanted || out.events == before, "no event once wants_more() is false");
  }
  dissector->on_flow_end(++now, out);
  require(out.events <= 1, "at most one event per flow");
  require(!dissector->wants_more() || out.events == 0, "wants no more after its event");
  return 0;
}
