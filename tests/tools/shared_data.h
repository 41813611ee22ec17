#pragma once
// Where the real third-party captures live (../shared/data beside the
// checkout, or $MLD_SHARED_DATA). Under CI=true a missing folder fails the
// test instead of skipping it: conformance must never be skipped silently.
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mld::testing {

// Empty when the folder is absent.
std::string shared_data_dir();

// Every regular file below `relative` (recursively) whose name ends with one
// of `suffixes`, sorted.
std::vector<std::string> files_under(const std::string& relative,
                                     const std::vector<std::string>& suffixes);

// Every capture file (pcap or pcapng, by magic number) below `relative`.
std::vector<std::string> captures_under(const std::string& relative);

}  // namespace mld::testing

// Use at the top of a test that needs the shared data.
#define MLD_REQUIRE_SHARED_DATA()                                                    \
  do {                                                                               \
    if (::mld::testing::shared_data_dir().empty()) {                                 \
      const char* ci = std::getenv("CI");                                            \
      if (ci != nullptr && std::string(ci) == "true") {                              \
        FAIL() << "../shared/data is missing (CI=true: conformance cannot be skipped)"; \
      }                                                                              \
      GTEST_SKIP() << "../shared/data not found; set MLD_SHARED_DATA";               \
    }                                                                                \
  } while (0)
