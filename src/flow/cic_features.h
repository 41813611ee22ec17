#pragma once
// The 81 CIC flow statistics (spec/flow-features.md section 4), computed
// online in O(1) state per flow: no per-packet storage. Lists the spec defines
// (payload lengths, inter-arrival times, active and idle periods) are kept as
// count, sum, exact sum of squares, minimum and maximum, which is all their
// mean, sample standard deviation and variance need.
//
// Times inside a flow are microseconds since its first packet, as 32-bit
// offsets: a flow never outlives its timeout, which configuration limits to
// kMaxFlowSpan.
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/time.h"
#include "decode/packet_view.h"
#include "flow/cic_columns.h"
#include "flow/direction.h"

namespace mld::flow {

// `dataset` reproduces the released CIC-IDS2017 values, quirks [Q2]-[Q7]
// included; `fixed` computes those columns as intended (spec 6.1).
enum class FeatureProfile : std::uint8_t { dataset, fixed };
std::optional<FeatureProfile> parse_feature_profile(std::string_view name);
std::string_view feature_profile_name(FeatureProfile profile);

inline constexpr Micros kMaxFlowSpan = Micros{UINT32_MAX};  // ~71.5 minutes

// What the columns need from the flow besides the accumulator.
struct CicContext {
  Micros start = 0;           // first packet
  std::uint32_t duration = 0; // last packet - first packet
  Micros chain_start = 0;  // first packet of the TCP continuation chain (4.12)
  std::uint64_t packets[2] = {0, 0};  // by Direction
  std::uint8_t protocol = 0;
  std::int16_t icmp_type = -1, icmp_code = -1;  // of the first packet
};

class CicAccumulator {
 public:
  // The flow's first packet, sent in direction `side` (spec 4.1).
  void start(const decode::PacketView& packet, Direction side);
  // Every later packet, `elapsed` µs after the first one; `previous` is the
  // flow's previous packet (also µs after the first). `activity_timeout`:
  // the gap that separates active periods (spec 3.1).
  void add(const decode::PacketView& packet, Direction side, std::uint32_t elapsed,
           std::uint32_t previous, std::uint32_t activity_timeout);

  CicValues values(const CicContext& flow, FeatureProfile profile) const;

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  enum Bit : std::uint8_t {
    first_forward = 1,       // the flow's first packet was forward
    first_rst = 2,           // ... carried RST
    first_fwd_payload = 4,   // ... was forward with payload
    fwd_window_seen = 8,     // a forward TCP packet was seen
    bwd_window_seen = 16,    // a backward TCP packet was seen
  };

  void count_packet(const decode::PacketView& packet, int d);
  void update_bulk(int d, std::uint32_t payload, std::uint32_t t);
  void update_activity(std::uint32_t t, std::uint32_t previous, std::uint32_t activity_timeout);
  void record_direction_gap(int d, std::uint32_t t);
  void record_flow_gap(std::uint32_t t, std::uint32_t previous);

  // 64-bit sums (all the spec's sums fit: see the .cc).
  std::uint64_t payload_sum_[2] = {0, 0};
  std::uint64_t payload_squares_[2] = {0, 0};
  std::uint64_t header_sum_[2] = {0, 0};
  std::uint64_t bulk_bytes_[2] = {0, 0};
  std::uint64_t flow_gap_squares_ = 0;
  std::uint64_t direction_gap_squares_[2] = {0, 0};
  std::uint64_t active_squares_ = 0;
  std::uint64_t idle_squares_ = 0;

  std::uint32_t payload_min_[2] = {kNone, kNone};
  std::uint32_t payload_max_[2] = {0, 0};
  std::uint32_t flow_gap_min_ = kNone;
  std::uint32_t flow_gap_max_ = 0;
  std::uint32_t first_seen_[2] = {kNone, kNone};
  std::uint32_t last_seen_[2] = {kNone, kNone};
  std::uint32_t direction_gap_min_[2] = {kNone, kNone};
  std::uint32_t direction_gap_max_[2] = {0, 0};
  std::uint32_t fin_ = 0, syn_ = 0, ack_ = 0, cwr_ = 0, ece_ = 0;
  std::uint32_t psh_[2] = {0, 0};
  std::uint32_t urg_[2] = {0, 0};
  std::uint32_t rst_[2] = {0, 0};  // first packet excluded [Q3]
  std::uint32_t fwd_data_packets_ = 0;  // first packet excluded [Q2]
  std::uint32_t active_start_ = 0;
  std::uint32_t active_count_ = 0, active_sum_ = 0, active_min_ = kNone, active_max_ = 0;
  std::uint32_t idle_count_ = 0, idle_sum_ = 0, idle_min_ = kNone, idle_max_ = 0;
  std::uint32_t bulk_candidate_start_[2] = {kNone, kNone};
  std::uint32_t bulk_last_[2] = {kNone, kNone};  // last payload packet of the direction
  std::uint32_t bulk_candidate_bytes_[2] = {0, 0};
  std::uint32_t bulks_[2] = {0, 0};
  std::uint32_t bulk_packets_[2] = {0, 0};
  std::uint32_t bulk_duration_[2] = {0, 0};

  std::uint16_t fwd_first_window_ = 0;  // first forward TCP packet [Q6 fixed]
  std::uint16_t bwd_first_window_ = 0;  // first backward TCP packet [Q5 fixed]
  std::uint16_t bwd_last_window_ = 0;   // last backward packet [Q5]
  std::uint16_t long_gaps_ = 0;  // gaps > 1 s (at most one per second): `fixed` subflows [Q4]
  std::uint8_t fwd_header_min_ = UINT8_MAX;  // L4 headers are at most 60 bytes
  std::uint8_t bulk_candidate_packets_[2] = {0, 0};  // saturates at 5: only 4 and >4 matter
  std::uint8_t bits_ = 0;
};

}  // namespace mld::flow
