#pragma once
// Reads pcap (micro/nanosecond, either byte order) and pcapng files through
// libpcap, one frame at a time.
#include <pcap/pcap.h>

#include <cstdint>
#include <string>
#include <vector>

#include "capture/capture_error.h"
#include "capture/raw_packet.h"

namespace mld::capture {

class PcapFileReader {
 public:
  // Throws CaptureError when the file is missing, unreadable or not a capture.
  PcapFileReader(std::string path, std::uint16_t input_index);
  // Reads an already open stream (e.g. fmemopen() in the fuzz target); takes
  // ownership of `file`. `name` stands for the path in messages.
  PcapFileReader(std::FILE* file, std::string name, std::uint16_t input_index);
  ~PcapFileReader();
  PcapFileReader(const PcapFileReader&) = delete;
  PcapFileReader& operator=(const PcapFileReader&) = delete;

  // Next frame (valid until the following call), or false at the end of the
  // file. Throws CaptureError when the file is truncated or corrupt; frames
  // read before stay valid.
  bool next(RawPacket& packet);

  const std::string& path() const { return path_; }
  std::uint16_t link_type() const { return link_type_; }

 private:
  std::string path_;
  std::uint16_t input_index_;
  std::uint16_t link_type_;
  bool nanoseconds_ = false;  // a nanosecond pcap: the fraction is in ns
  pcap_t* handle_ = nullptr;
};

// Expands the `-r` arguments: files stay as given; a directory contributes
// its regular files in name order (non-recursive, hidden files skipped).
// Throws CaptureError for a path that does not exist.
std::vector<std::string> expand_capture_inputs(const std::vector<std::string>& arguments);

}  // namespace mld::capture
