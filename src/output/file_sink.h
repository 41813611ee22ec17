#pragma once
// The event log file: JSON (or CSV) lines, optionally signed in a hash chain
// (docs/integrity.md), rotated by size and time, compressed and pruned.
#include <memory>
#include <string>

#include "common/time.h"
#include "output/event_sink.h"
#include "output/line_signer.h"

namespace mld::output {

struct FileSinkOptions {
  std::string path;                  // "-": standard output (no rotation)
  bool append = false;               // keep an existing file (torn last line repaired)
  std::uint64_t rotate_size = 0;     // bytes; 0 = never
  Micros rotate_interval = 0;        // wall time; 0 = never
  bool compress = false;             // zstd the rotated files
  std::uint64_t retain_count = 0;    // rotated files kept; 0 = all
  std::uint64_t retain_bytes = 0;    // bytes of rotated files kept; 0 = all
  std::shared_ptr<const SigningKey> signing_key;  // null: lines are not signed
};

// Opens (and in append mode repairs) the file. Throws std::runtime_error
// naming the path when it cannot.
std::unique_ptr<EventSink> make_file_sink(const FileSinkOptions& options);

}  // namespace mld::output
