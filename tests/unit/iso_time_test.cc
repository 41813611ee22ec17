#include "output/iso_time.h"

#include <gtest/gtest.h>

#include <string>

namespace mld::output {
namespace {

std::string iso(Micros t) {
  char text[kIsoTimeLength];
  format_iso_time(t, text);
  return std::string(text, kIsoTimeLength);
}

TEST(IsoTime, FormatsLikeSuricata) {
  EXPECT_EQ(iso(0), "1970-01-01T00:00:00.000000+0000");
  // date -u -d @1471518339 -> Thu Aug 18 11:05:39 UTC 2016
  EXPECT_EQ(iso(1471518339960839), "2016-08-18T11:05:39.960839+0000");
  // date -u -d @951782400 -> Tue Feb 29 00:00:00 UTC 2000 (leap day)
  EXPECT_EQ(iso(951782400000001), "2000-02-29T00:00:00.000001+0000");
  // date -u -d @4102444799 -> Thu Dec 31 23:59:59 UTC 2099
  EXPECT_EQ(iso(4102444799999999), "2099-12-31T23:59:59.999999+0000");
}

}  // namespace
}  // namespace mld::output
