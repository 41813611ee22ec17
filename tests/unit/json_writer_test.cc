#include "output/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace mld::output {
namespace {

std::string write(const std::function<void(JsonWriter&)>& body) {
  TextBuffer out;
  JsonWriter w(out);
  body(w);
  return std::string(out.view());
}

TEST(JsonWriter, NestsWithCommasInTheRightPlaces) {
  const std::string text = write([](JsonWriter& w) {
    w.begin_object();
    w.field("a", std::uint64_t{1});
    w.key("list");
    w.begin_array();
    w.value(std::int64_t{-2});
    w.begin_object();
    w.end_object();
    w.value(true);
    w.end_array();
    w.key("empty");
    w.begin_array();
    w.end_array();
    w.field("s", "x");
    w.end_object();
  });
  EXPECT_EQ(text, R"({"a":1,"list":[-2,{},true],"empty":[],"s":"x"})");
}

TEST(JsonWriter, EscapesControlsQuotesAndInvalidUtf8) {
  const std::string input = std::string("q\"b\\n\n\t\x01 \xc3\xa9 \xe2\x82\xac ") +
                            "\xff \xc0\xaf \xed\xa0\x80 \xf0\x9f\x98\x80";
  const std::string text = write([&](JsonWriter& w) { w.value(std::string_view(input)); });
  EXPECT_EQ(text, "\"q\\\"b\\\\n\\n\\t\\u0001 \xc3\xa9 \xe2\x82\xac \\ufffd \\ufffd\\ufffd "
                  "\\ufffd\\ufffd\\ufffd \xf0\x9f\x98\x80\"");
  // And an independent parser agrees it is valid JSON.
  EXPECT_TRUE(nlohmann::json::accept(text));
}

TEST(JsonWriter, DoublesAreShortestRoundTripWithADecimalPoint) {
  EXPECT_EQ(write([](JsonWriter& w) { w.value(54.0); }), "54.0");
  EXPECT_EQ(write([](JsonWriter& w) { w.value(0.1); }), "0.1");
  EXPECT_EQ(write([](JsonWriter& w) { w.value(-1.0); }), "-1.0");
  EXPECT_EQ(write([](JsonWriter& w) { w.value(1e21); }), "1e+21");
  // Laid out as Python's repr() (the dataset's CSVs), not as the shortest text:
  EXPECT_EQ(write([](JsonWriter& w) { w.value(2e6); }), "2000000.0");
  EXPECT_EQ(write([](JsonWriter& w) { w.value(2460000.5); }), "2460000.5");
  EXPECT_EQ(write([](JsonWriter& w) { w.value(0.0001); }), "0.0001");
  EXPECT_EQ(write([](JsonWriter& w) { w.value(1.5e-05); }), "1.5e-05");
  EXPECT_EQ(write([](JsonWriter& w) { w.value(1e16); }), "1e+16");
  EXPECT_EQ(write([](JsonWriter& w) { w.value(123456789012345680.0); }),
            "1.2345678901234568e+17");
  EXPECT_EQ(write([](JsonWriter& w) { w.value(13110.093192228716); }), "13110.093192228716");
  EXPECT_EQ(write([](JsonWriter& w) { w.value(-0.0); }), "-0.0");
  EXPECT_EQ(write([](JsonWriter& w) { w.value(std::nan("")); }), "null");
  const double third = 1.0 / 3.0;
  EXPECT_EQ(nlohmann::json::parse(write([&](JsonWriter& w) { w.value(third); })).get<double>(),
            third);
}

TEST(JsonWriter, IntegerExtremes) {
  EXPECT_EQ(write([](JsonWriter& w) { w.value(std::numeric_limits<std::uint64_t>::max()); }),
            "18446744073709551615");
  EXPECT_EQ(write([](JsonWriter& w) { w.value(std::numeric_limits<std::int64_t>::min()); }),
            "-9223372036854775808");
}

}  // namespace
}  // namespace mld::output
