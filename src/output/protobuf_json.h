#pragma once
// Renders protobuf messages of the event schema as EVE JSON, by reflection:
// fields in declaration order, keys and presence as the rules at the top of
// proto/mldefender/events/v1/events.proto say, numbers and strings through
// JsonWriter. For an Event the result is the line the EVE writer writes for
// the same event, byte for byte (without a signature).
#include <string_view>

#include "output/json_writer.h"
#include "output/text_buffer.h"

namespace google::protobuf {
class Message;
}

namespace mld::output {

// Writes `message` as one JSON object value.
void write_json(const google::protobuf::Message& message, JsonWriter& writer);

// Appends `message` as one JSON line (with its '\n') to `out`.
void append_json_line(const google::protobuf::Message& message, TextBuffer& out);

}  // namespace mld::output
