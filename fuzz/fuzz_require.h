#pragma once
// The fuzz targets' invariant check: a violated invariant aborts, so libFuzzer
// keeps the input that broke it (fuzz/crash-*) and the run fails.
#include <cstdio>
#include <cstdlib>

namespace mld::fuzz {

inline void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

}  // namespace mld::fuzz
