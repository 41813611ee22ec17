#pragma once
#include <stdexcept>
#include <string>

namespace mld::capture {

// A capture source that cannot be opened or read any further. The message is
// one line naming the source (file and byte offset, or interface).
class CaptureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mld::capture
