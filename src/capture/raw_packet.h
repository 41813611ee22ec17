#pragma once
// One captured frame exactly as a packet source delivered it. A view: the bytes
// belong to the source and stay valid only until its next read.
#include <cstdint>

#include "common/time.h"

namespace mld::capture {

// pcap LINKTYPE_* values we decode (https://www.tcpdump.org/linktypes.html).
// DLT_RAW is 12 or 14 on some platforms; libpcap maps both to LINKTYPE_RAW (101).
enum LinkType : std::uint16_t {
  kLinkNull = 0,
  kLinkEthernet = 1,
  kLinkPpp = 9,
  kLinkRawBsd12 = 12,
  kLinkRawBsd14 = 14,
  kLinkPppSerial = 50,
  kLinkRaw = 101,
  kLinkCiscoHdlc = 104,
  kLinkIeee80211 = 105,
  kLinkLoop = 108,
  kLinkLinuxSll = 113,
  kLinkRadiotap = 127,
  kLinkPpi = 192,
  kLinkIpv4 = 228,
  kLinkIpv6 = 229,
  kLinkLinuxSll2 = 276,
};

struct RawPacket {
  Micros timestamp = 0;
  std::uint32_t captured_length = 0;  // bytes present in `data` (pcap caplen)
  std::uint32_t wire_length = 0;      // original frame length (pcap len)
  std::uint16_t link_type = kLinkEthernet;
  std::uint16_t input_index = 0;      // which capture file / interface it came from
  const std::uint8_t* data = nullptr;
};

}  // namespace mld::capture
