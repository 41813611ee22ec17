#include "output/protobuf_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <mldefender/events/v1/events.pb.h>  // generated, in the build tree

#include <string>


namespace mld::output {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string_view json_key(const FieldDescriptor& field) {
  // json_name only where the schema set it: protobuf's default is camelCase,
  // EVE's keys are the field names.
  return field.has_json_name() ? field.json_name() : field.name();
}

// One element: `index` < 0 for a singular field.
void write_value(const Message& message, const FieldDescriptor& field, int index,
                 JsonWriter& w) {
  const Reflection& r = *message.GetReflection();
  const bool repeated = index >= 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      w.value(std::int64_t{repeated ? r.GetRepeatedInt32(message, &field, index)
                                    : r.GetInt32(message, &field)});
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      w.value(std::int64_t{repeated ? r.GetRepeatedInt64(message, &field, index)
                                    : r.GetInt64(message, &field)});
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      w.value(std::uint64_t{repeated ? r.GetRepeatedUInt32(message, &field, index)
                                     : r.GetUInt32(message, &field)});
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      w.value(std::uint64_t{repeated ? r.GetRepeatedUInt64(message, &field, index)
                                     : r.GetUInt64(message, &field)});
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      w.value(repeated ? r.GetRepeatedDouble(message, &field, index)
                       : r.GetDouble(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      w.value(double{repeated ? r.GetRepeatedFloat(message, &field, index)
                              : r.GetFloat(message, &field)});
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      w.value(repeated ? r.GetRepeatedBool(message, &field, index)
                       : r.GetBool(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      w.value(std::string_view((repeated ? r.GetRepeatedEnum(message, &field, index)
                                         : r.GetEnum(message, &field))
                                   ->name()));
      break;
    case FieldDescriptor::CPPTYPE_STRING: {
      // string and bytes alike: JsonWriter escapes, and writes each byte
      // that is not UTF-8 as \ufffd, as the EVE writer does.
      std::string scratch;
      const std::string& text =
          repeated ? r.GetRepeatedStringReference(message, &field, index, &scratch)
                   : r.GetStringReference(message, &field, &scratch);
      w.value(std::string_view(text));
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      write_json(repeated ? r.GetRepeatedMessage(message, &field, index)
                          : r.GetMessage(message, &field),
                 w);
      break;
  }
}

}  // namespace

void write_json(const Message& message, JsonWriter& w) {
  const google::protobuf::Descriptor& descriptor = *message.GetDescriptor();
  const Reflection& r = *message.GetReflection();
  w.begin_object();
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor& field = *descriptor.field(i);
    if (field.is_repeated()) {
      const int size = r.FieldSize(message, &field);
      if (size == 0 && !field.options().GetExtension(mld::events::v1::json_keep_empty)) continue;
      w.key(json_key(field));
      w.begin_array();
      for (int k = 0; k < size; ++k) write_value(message, field, k, w);
      w.end_array();
      continue;
    }
    if (field.has_presence() && !r.HasField(message, &field)) continue;
    w.key(json_key(field));
    write_value(message, field, -1, w);
  }
  w.end_object();
}

void append_json_line(const Message& message, TextBuffer& out) {
  JsonWriter w(out);
  write_json(message, w);
  out.push_back('\n');
}

}  // namespace mld::output
