// libFuzzer target for the STARTTLS dissector: the first input byte picks the
// protocol (SMTP, IMAP, POP3, FTP), the rest drives both directions through
// fuzz_app_chunks.h (split anywhere, gaps, data after it stopped), so the
// clear-text phase, the upgrade and the TLS that follows are all reached.
// Checked: TLS events only, one at most, none while nothing was upgraded
// (a clear-text session never emits).
#include <cstdint>
#include <variant>

#include "app/starttls.h"
#include "fuzz_app_chunks.h"
#include "fuzz_require.h"

namespace {

using namespace mld::app;
using mld::fuzz::require;

class CheckingOut final : public EventOut {
 public:
  void emit(mld::flow::Direction, mld::Micros, AppEventBody body) override {
    require(std::holds_alternative<TlsEvent>(body), "STARTTLS emits TLS events only");
    require(++events == 1, "one event per flow");
  }
  int events = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto protocol = static_cast<StartTlsProtocol>(data[0] % 4);
  AppCounters counters;
  const auto dissector = make_starttls_dissector(protocol, counters);
  CheckingOut out;
  mld::fuzz::drive_dissector(*dissector, data + 1, size - 1, out);
  require(!dissector->wants_more() || out.events == 0, "wants no more after its event");
  return 0;
}
