#pragma once
// `mldefender verify`: checks the signature chain of event log files.
#include <string>
#include <vector>

namespace mld::cli {

struct VerifyArguments {
  std::vector<std::string> key_files;  // --key-file (repeatable: old and new keys)
  std::vector<std::string> files;      // logs, plain or .zst, in any order
  bool allow_unsealed = false;         // --allow-unsealed: the newest file may still be open
};

// 0: every line verified; 1: a problem (the first one is named); 2: a file or
// key could not be read.
int verify_command(const VerifyArguments& arguments);

}  // namespace mld::cli
