#pragma once
// A directory of its own for one test, removed with everything in it.
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace mld::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "mld") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace mld::testing
