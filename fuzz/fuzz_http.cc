// libFuzzer target for the HTTP/1.x dissector: both directions split
// anywhere, gaps, data after it stopped. The per-field limits its header
// promises are checked on every event.
#include <cstdint>

#include "app/http.h"
#include "app/http_stream.h"
#include "fuzz_app_chunks.h"
#include "fuzz_require.h"

namespace {

using namespace mld::app;
using mld::fuzz::require;

class CheckingOut final : public EventOut {
 public:
  void emit(mld::flow::Direction, mld::Micros, AppEventBody body) override {
    const HttpEvent* event = std::get_if<HttpEvent>(&body);
    require(event != nullptr, "HTTP dissector emits HTTP events");
    require(event->url.size() <= http::kMaxUrlBytes, "url length");
    for (const std::string* field :
         {&event->hostname, &event->http_user_agent, &event->http_content_type, &event->http_method,
          &event->protocol}) {
      require(field->size() <= http::kMaxFieldBytes, "field length");
    }
    require(!event->status || *event->status < 1000, "status has 3 digits");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  AppCounters counters;
  CheckingOut out;
  auto dissector = make_http_dissector(counters);
  mld::fuzz::drive_dissector(*dissector, data, size, out);
  require(dissector->host().size() <= http::kMaxFieldBytes, "host length");
  return 0;
}
