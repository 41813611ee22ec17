#pragma once
// The link types fuzz_decoder feeds the decoder, chosen by an input's first
// two bytes. Shared with fuzz_seed_extract so seeds select the right entry.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "capture/raw_packet.h"

namespace mld::fuzz {

inline constexpr std::array<std::uint16_t, 17> kLinkTypes = {
    capture::kLinkEthernet,
    capture::kLinkLinuxSll,
    capture::kLinkLinuxSll2,
    capture::kLinkRaw,
    capture::kLinkRawBsd12,
    capture::kLinkRawBsd14,
    capture::kLinkIpv4,
    capture::kLinkIpv6,
    capture::kLinkNull,
    capture::kLinkLoop,
    capture::kLinkPpp,
    capture::kLinkPppSerial,
    capture::kLinkCiscoHdlc,
    capture::kLinkRadiotap,
    capture::kLinkIeee80211,
    capture::kLinkPpi,
    147,  // LINKTYPE_USER0: unsupported
};

inline std::optional<std::size_t> link_type_index(std::uint16_t link_type) {
  for (std::size_t i = 0; i < kLinkTypes.size(); ++i) {
    if (kLinkTypes[i] == link_type) return i;
  }
  return std::nullopt;
}

// Input layout: selector (2 bytes, big-endian), tunnel family mask (1 byte), frame.
//   selector low byte % kLinkTypes.size(): link type
//   selector high byte * 16: original bytes beyond the frame (snaplen-cut frames)
inline constexpr std::size_t kInputHeader = 3;

}  // namespace mld::fuzz
