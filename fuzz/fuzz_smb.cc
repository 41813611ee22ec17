// libFuzzer target for the SMB dissector. The input is a sequence of records
// [control, length, bytes...]: control bit 0 picks the direction; with bit 7
// set the record is a gap of length * 64 bytes (no bytes follow), otherwise
// `length` bytes of stream data follow (fewer at the end of the input). The
// flow then ends. Invariants: event ids are unique and counted from 1, names
// stay within their bounds, and every event has a command and a dialect.
#include <cstdint>
#include <set>
#include <variant>

#include "app/smb.h"
#include "fuzz_require.h"

namespace {

using namespace mld::app;
using mld::fuzz::require;

class CheckedOut final : public EventOut {
 public:
  void emit(mld::flow::Direction, mld::Micros, AppEventBody body) override {
    const auto& event = std::get<SmbEvent>(body);
    require(event.id >= 1 && ids.insert(event.id).second, "unique ids from 1");
    require(!event.command.empty() && !event.dialect.empty(), "command and dialect");
    // A code unit becomes at most 3 UTF-8 bytes (a surrogate pair, 2 units, 4 bytes).
    require(event.share.size() <= 3 * smb::kMaxNameUnits, "share within its bound");
    require(event.filename.size() <= 3 * smb::kMaxNameUnits, "filename within its bound");
    require(!event.status.empty() <= event.status_code.has_value(), "status name has a code");
  }
  std::set<std::uint64_t> ids;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  AppCounters counters;
  auto dissector = make_smb_dissector(counters);
  CheckedOut out;
  mld::Micros now = 0;
  while (size >= 2) {
    const auto side =
        (data[0] & 1) ? mld::flow::Direction::backward : mld::flow::Direction::forward;
    const bool gap = (data[0] & 0x80) != 0;
    const std::size_t length = data[1];
    data += 2, size -= 2;
    if (gap) {
      dissector->on_gap(side, length * 64);
      continue;
    }
    const std::size_t n = length < size ? length : size;
    dissector->on_data(side, ++now, Bytes(data, n), out);
    data += n, size -= n;
  }
  dissector->on_flow_end(++now, out);
  require(dissector->wants_more(), "SMB leaves the end of inspection to the stream depth");
  return 0;
}
