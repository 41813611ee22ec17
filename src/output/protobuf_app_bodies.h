#pragma once
// The bodies of protocol events as protobuf messages (events.proto's Dns,
// Http, Tls, Ssh, Smb, Quic), field for field what eve_app_writer.cc writes:
// a field is set exactly when the EVE object has its key.
#include "app/app_event.h"

namespace mld::events::v1 {
class Event;
}

namespace mld::output {

// Sets the member of `event`'s body oneof that `body` is.
void set_app_body(const app::AppEventBody& body, events::v1::Event& event);

}  // namespace mld::output
