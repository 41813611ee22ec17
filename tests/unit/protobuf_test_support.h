#pragma once
// Shared helpers for the tests of the protobuf events against the EVE lines
// (tests/unit/protobuf_encoder_test.cc, eve_app_event_test.cc).
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "output/protobuf_json.h"
#include "output/text_buffer.h"

namespace mld::output::test {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The reflection printer's line for `message`.
inline std::string printed(const Message& message) {
  TextBuffer out;
  append_json_line(message, out);
  return std::string(out.view());
}

// The field's JSON key: its json_name where the schema sets one, else its name.
inline std::string json_key(const FieldDescriptor& field) {
  return field.has_json_name() ? field.json_name() : field.name();
}

// Independent of the printer: every key of the EVE object is a field of
// `message` with the same value, and every field set in `message` is a key.
inline void expect_same(const nlohmann::json& eve, const Message& message,
                        const std::string& path) {
  const auto& descriptor = *message.GetDescriptor();
  const auto& reflection = *message.GetReflection();
  ASSERT_TRUE(eve.is_object()) << path;
  std::size_t fields_set = 0;
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor& field = *descriptor.field(i);
    const std::string key = json_key(field);
    const std::string where = path + "." + key;
    if (field.is_repeated()) {
      const int size = reflection.FieldSize(message, &field);
      if (size == 0 && !eve.contains(key)) continue;
      ASSERT_TRUE(eve.contains(key) && eve[key].is_array()) << where;
      ASSERT_EQ(eve[key].size(), static_cast<std::size_t>(size)) << where;
      ++fields_set;
      for (int k = 0; k < size; ++k) {
        if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          expect_same(eve[key][k], reflection.GetRepeatedMessage(message, &field, k), where);
        } else if (field.cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
          EXPECT_EQ(eve[key][k].get<std::string>(),
                    reflection.GetRepeatedString(message, &field, k)) << where;
        } else {
          ASSERT_EQ(field.cpp_type(), FieldDescriptor::CPPTYPE_UINT32) << where;
          EXPECT_EQ(eve[key][k].get<std::uint64_t>(),
                    reflection.GetRepeatedUInt32(message, &field, k)) << where;
        }
      }
      continue;
    }
    if (field.has_presence() && !reflection.HasField(message, &field)) {
      if (!field.real_containing_oneof()) {
        EXPECT_FALSE(eve.contains(key)) << where;
      }
      continue;
    }
    ASSERT_TRUE(eve.contains(key)) << where;
    ++fields_set;
    const nlohmann::json& value = eve[key];
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64:
        ASSERT_TRUE(value.is_number_unsigned() || value.is_number_integer()) << where;
        EXPECT_EQ(value.get<std::uint64_t>(),
                  field.cpp_type() == FieldDescriptor::CPPTYPE_UINT32
                      ? reflection.GetUInt32(message, &field)
                      : reflection.GetUInt64(message, &field)) << where;
        break;
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
        ASSERT_TRUE(value.is_number_integer()) << where << " = " << value;
        EXPECT_EQ(value.get<std::int64_t>(),
                  field.cpp_type() == FieldDescriptor::CPPTYPE_INT32
                      ? reflection.GetInt32(message, &field)
                      : reflection.GetInt64(message, &field)) << where;
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        ASSERT_TRUE(value.is_number_float()) << where << " = " << value;
        EXPECT_EQ(value.get<double>(), reflection.GetDouble(message, &field)) << where;
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        EXPECT_EQ(value.get<bool>(), reflection.GetBool(message, &field)) << where;
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        EXPECT_EQ(value.get<std::string>(), reflection.GetString(message, &field)) << where;
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        expect_same(value, reflection.GetMessage(message, &field), where);
        break;
      default:
        ADD_FAILURE() << where << ": a type the schema does not use";
    }
  }
  EXPECT_EQ(fields_set, eve.size()) << path << ": EVE has keys the message lacks: " << eve;
}

}  // namespace mld::output::test
