#pragma once
// Counters of one decoding thread (the file reader, or a live worker).
#include "common/counter.h"
#include "decode/drop_reason.h"
#include "decode/packet_view.h"

namespace mld::decode {

// Order of the decode_note bits, for naming their counters.
inline constexpr const char* kDecodeNoteNames[] = {
    "ip_length_zero",         "ip_length_clamped",  "first_fragment",
    "tunnel_inner_malformed", "tunnel_depth_limit", "snaplen_truncated",
    "tunnel_inner_not_flow",  "caplen_exceeds_len"};
inline constexpr std::size_t kDecodeNoteCount = std::size(kDecodeNoteNames);

struct DecodeCounters {
  Counter packets_read;
  Counter bytes_read;  // original frame lengths
  Counter packets_decoded;
  Counter tunnelled;  // decoded packets with at least one encapsulation removed
  Counter drops[kDropReasonSlots];
  Counter notes[kDecodeNoteCount];

  void count_drop(DropReason reason) { drops[static_cast<std::size_t>(reason)].add(); }

  void count_decoded(const PacketView& view) {
    packets_decoded.add();
    if (view.tunnel.depth > 0) tunnelled.add();
    for (std::size_t bit = 0; view.notes >> bit != 0; ++bit) {
      if (view.notes & (1u << bit)) notes[bit].add();
    }
  }
};

}  // namespace mld::decode
