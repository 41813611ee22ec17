// libFuzzer target for the TLS dissector: both directions split anywhere,
// gaps, data after it stopped (fuzz_app_chunks.h). The same bytes are also
// given whole to the hello parsers and fingerprints, which QUIC shares, so
// they are explored without the record layer in the way. Checked: one event
// at most, fingerprints of their fixed shapes, the ALPN limit of tls.h.
#include <cstdint>
#include <variant>

#include "app/tls.h"
#include "app/tls_hello.h"
#include "fuzz_app_chunks.h"
#include "fuzz_require.h"

namespace {

using namespace mld::app;
using mld::fuzz::require;

// "t13d1516h2_8daaf6152771_e5627efa2ab1": 10 + 1 + 12 + 1 + 12 characters.
void check_ja4(const std::string& ja4) {
  require(ja4.size() == 36 && ja4[10] == '_' && ja4[23] == '_', "JA4 shape");
}

class CheckingOut final : public EventOut {
 public:
  void emit(mld::flow::Direction, mld::Micros, AppEventBody body) override {
    const TlsEvent* event = std::get_if<TlsEvent>(&body);
    require(event != nullptr, "TLS dissector emits TLS events");
    require(++events == 1, "one event per flow");
    require(!event->version.empty(), "version always written");
    if (event->ja3) require(event->ja3->hash.size() == 32, "JA3 is 32 hex digits");
    if (event->ja3s) require(event->ja3s->hash.size() == 32, "JA3S is 32 hex digits");
    if (!event->ja4.empty()) check_ja4(event->ja4);
    require(event->client_alpns.size() <= kTlsMaxAlpnsInEvent, "client ALPN limit");
    require(event->server_alpns.size() <= kTlsMaxAlpnsInEvent, "server ALPN limit");
  }
  int events = 0;
};

void fuzz_hello_parsers(Bytes input) {
  tls::ClientHello client;
  if (tls::parse_client_hello(input, client)) {
    require(tls::ja3_of(client).hash.size() == 32, "JA3 of a parsed hello");
    check_ja4(tls::ja4_of(client, 'q'));
  }
  tls::ServerHello server;
  if (tls::parse_server_hello(input, server)) {
    require(tls::ja3s_of(server).hash.size() == 32, "JA3S of a parsed hello");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz_hello_parsers(Bytes(data, size));
  AppCounters counters;
  const auto dissector = make_tls_dissector(counters);
  CheckingOut out;
  mld::fuzz::drive_dissector(*dissector, data, size, out);
  require(!dissector->wants_more() || out.events == 0, "wants no more after its event");
  return 0;
}
