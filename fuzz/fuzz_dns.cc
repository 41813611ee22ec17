// libFuzzer target for the DNS dissector, over TCP (length-prefixed messages
// split anywhere, gaps) and UDP (one datagram per record), and for the
// message parser alone. The limits its header promises are checked on every
// event, so a limit that is not enforced is a crash.
#include <cstdint>

#include "app/dns.h"
#include "app/dns_message.h"
#include "app/dns_name.h"
#include "fuzz_app_chunks.h"
#include "fuzz_require.h"

namespace {

using namespace mld::app;
using mld::fuzz::require;

void check_records(const std::vector<DnsAnswer>& records) {
  require(records.size() <= dns::kMaxRecordsPerSection, "records per section");
  for (const DnsAnswer& r : records) {
    require(r.rrname.size() < dns::kMaxNameWireBytes, "record name length");
    require(r.rdata.size() <= dns::kMaxRdataTextBytes, "rdata length");
  }
}

void check(const DnsEvent& event) {
  require(event.queries.size() <= dns::kMaxRecordsPerSection, "queries");
  for (const DnsQuery& q : event.queries) {
    require(q.rrname.size() < dns::kMaxNameWireBytes, "query name length");
  }
  check_records(event.answers);
  check_records(event.authorities);
  require(event.response == ((event.flags & 0x8000) != 0), "response flag");
}

class CheckingOut final : public EventOut {
 public:
  void emit(mld::flow::Direction, mld::Micros, AppEventBody body) override {
    const DnsEvent* event = std::get_if<DnsEvent>(&body);
    require(event != nullptr, "DNS dissector emits DNS events");
    check(*event);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  AppCounters counters;
  CheckingOut out;
  // First byte: 0 the parser alone, 1 UDP, else TCP.
  const std::uint8_t mode = data[0] % 3;
  ++data, --size;
  if (mode == 0) {
    DnsEvent event;
    if (dns::parse_dns_message(Bytes(data, size), event, counters) != dns::ParseResult::no_header) {
      check(event);
    }
    return 0;
  }
  auto dissector = make_dns_dissector(mode == 1 ? Transport::udp : Transport::tcp, counters);
  mld::fuzz::drive_dissector(*dissector, data, size, out);
  require(dissector->host().size() < dns::kMaxNameWireBytes, "host length");
  return 0;
}
