#include "output/iso_time.h"

#include <gtest/gtest.h>

#include <string>

namespace mld::output {
namespace {

std::string text(Micros t, TimeStyle style = TimeStyle::eve) {
  char out[kMaxTimeLength];
  return std::string(out, format_time(t, style, out));
}

TEST(Time, EveFormatIsSuricatas) {
  EXPECT_EQ(text(0), "1970-01-01T00:00:00.000000+0000");
  // date -u -d @1471518339 -> Thu Aug 18 11:05:39 UTC 2016
  EXPECT_EQ(text(1471518339960839), "2016-08-18T11:05:39.960839+0000");
  // date -u -d @951782400 -> Tue Feb 29 00:00:00 UTC 2000 (leap day)
  EXPECT_EQ(text(951782400000001), "2000-02-29T00:00:00.000001+0000");
  // date -u -d @4102444799 -> Thu Dec 31 23:59:59 UTC 2099
  EXPECT_EQ(text(4102444799999999), "2099-12-31T23:59:59.999999+0000");
}

TEST(Time, CsvFormatIsTheDatasets) {
  // The first row of the dataset sample: 2017-07-07 12:59:21.088203 (date -u -d @1499432361).
  EXPECT_EQ(text(1499432361088203, TimeStyle::csv), "2017-07-07 12:59:21.088203");
  // The cached second is per style.
  EXPECT_EQ(text(1499432361000001, TimeStyle::eve), "2017-07-07T12:59:21.000001+0000");
}

TEST(Time, YearsPast9999KeepAllTheirDigits) {
  EXPECT_EQ(text(-5), "1970-01-01T00:00:00.000000+0000");
  // 253402300800 s is 10000-01-01T00:00:00Z.
  EXPECT_EQ(text(253402300800000000, TimeStyle::csv), "10000-01-01 00:00:00.000000");
  EXPECT_EQ(text(INT64_MAX).substr(0, 7), "294247-");
}

}  // namespace
}  // namespace mld::output
