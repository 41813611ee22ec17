#pragma once
// Running the mldefender binary from the end-to-end tests.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "tools/pcap_builder.h"
#include "tools/text_file.h"

namespace mld::testing {

struct Result {
  int status = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `command` through sh; stdout and stderr are captured separately.
inline Result shell(const std::string& command) {
  const std::string err_path = temp_path("stderr.txt");
  Result r;
  FILE* pipe = popen((command + " 2>" + err_path).c_str(), "r");
  std::array<char, 4096> chunk;
  std::size_t n = 0;
  while ((n = fread(chunk.data(), 1, chunk.size(), pipe)) > 0) r.out.append(chunk.data(), n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = read_file(err_path);
  return r;
}

inline Result mldefender(const std::string& arguments) {
  return shell(std::string(MLD_BINARY) + " " + arguments);
}

}  // namespace mld::testing
