#include "flow/cic_features.h"

#include <algorithm>
#include <cmath>

namespace mld::flow {

namespace flag = decode::tcp_flag;
using decode::PacketView;

// Why 64-bit sums of squares are exact. Time lists: the values sum to at most
// the flow's span (< 2^32 µs), and a sum of squares of non-negative numbers
// is at most the square of their sum (< 2^64). Payload lengths: each is below
// 2^18 (a captured frame), so the sum of squares stays below 2^64 until a
// single flow carries 2^46 bytes.

namespace {

constexpr std::uint32_t kBulkGap = 1'000'000;     // spec 3.1: bulk gap, constant
constexpr std::uint32_t kSubflowGap = 1'000'000;  // spec 3.1: subflow gap, constant
constexpr int kFwd = 0, kBwd = 1;

bool is_icmp(std::uint8_t protocol) {
  return protocol == decode::kProtoIcmp || protocol == decode::kProtoIcmpv6;
}

void record(std::uint32_t value, std::uint64_t& squares, std::uint32_t& min, std::uint32_t& max) {
  squares += std::uint64_t{value} * value;
  min = std::min(min, value);
  max = std::max(max, value);
}

// Mean, sample standard deviation and variance of n integers with sum `sum`
// and sum of squares `squares`; the variance numerator is exact.
struct Spread {
  double mean = 0, std = 0, variance = 0;
};
Spread spread(std::uint64_t n, std::uint64_t sum, std::uint64_t squares) {
  Spread s;
  if (n == 0) return s;
  s.mean = static_cast<double>(sum) / static_cast<double>(n);
  if (n < 2) return s;
  __extension__ typedef unsigned __int128 u128;  // GCC and clang: exact n*Σx² - (Σx)²
  const u128 numerator = u128{n} * squares - u128{sum} * sum;  // n*Σx² - (Σx)² >= 0
  s.variance = static_cast<double>(numerator) /
               (static_cast<double>(n) * static_cast<double>(n - 1));
  s.std = std::sqrt(s.variance);
  return s;
}

double per_second(std::uint64_t count, std::int64_t duration_us) {
  return static_cast<double>(count) / (static_cast<double>(duration_us) / 1e6);
}

class Columns {
 public:
  explicit Columns(CicValues& values) : values_(values) {}
  void integer(CicColumn c, std::int64_t v) { values_[index(c)] = {false, v, 0.0}; }
  void real(CicColumn c, double v) { values_[index(c)] = {true, 0, v}; }

 private:
  static std::size_t index(CicColumn c) { return static_cast<std::size_t>(c); }
  CicValues& values_;
};

}  // namespace

std::optional<FeatureProfile> parse_feature_profile(std::string_view name) {
  if (name == "dataset") return FeatureProfile::dataset;
  if (name == "fixed") return FeatureProfile::fixed;
  return std::nullopt;
}

std::string_view feature_profile_name(FeatureProfile profile) {
  return profile == FeatureProfile::dataset ? "dataset" : "fixed";
}

// spec 4.1, "First packet".
void CicAccumulator::start(const PacketView& packet, Direction side) {
  const int d = index(side);
  if (side == Direction::forward) bits_ |= first_forward;
  if (packet.has_flag(flag::rst)) bits_ |= first_rst;
  if (side == Direction::forward && packet.payload_length >= 1) bits_ |= first_fwd_payload;
  update_bulk(d, packet.payload_length, 0);
  count_packet(packet, d);
  first_seen_[d] = last_seen_[d] = 0;
}

// spec 4.1, "Every later packet", in its order.
void CicAccumulator::add(const PacketView& packet, Direction side, std::uint32_t t,
                         std::uint32_t previous, std::uint32_t activity_timeout) {
  const int d = index(side);
  update_activity(t, previous, activity_timeout);             // 1
  update_bulk(d, packet.payload_length, t);                   // 2
  if (packet.has_flag(flag::rst)) ++rst_[d];                  // 3 (the rest in count_packet)
  count_packet(packet, d);                                    // 3, 4, 6
  if (side == Direction::forward && packet.payload_length >= 1) ++fwd_data_packets_;  // 6
  record_direction_gap(d, t);                                 // 5
  record_flow_gap(t, previous);                               // 7
}

// What the first and every later packet share: flag totals, per-direction
// PSH/URG, lengths, header sums, windows, the forward header minimum.
void CicAccumulator::count_packet(const PacketView& packet, int d) {
  const std::uint8_t f = packet.tcp_flags;
  fin_ += (f & flag::fin) != 0;
  syn_ += (f & flag::syn) != 0;
  ack_ += (f & flag::ack) != 0;
  cwr_ += (f & flag::cwr) != 0;
  ece_ += (f & flag::ece) != 0;
  psh_[d] += (f & flag::psh) != 0;
  urg_[d] += (f & flag::urg) != 0;

  payload_sum_[d] += packet.payload_length;
  record(packet.payload_length, payload_squares_[d], payload_min_[d], payload_max_[d]);
  header_sum_[d] += packet.l4_header_length;

  if (d == kFwd) {
    const auto header = static_cast<std::uint8_t>(std::min<unsigned>(packet.l4_header_length, 60));
    fwd_header_min_ = std::min(fwd_header_min_, header);
    if (packet.is_tcp() && !(bits_ & fwd_window_seen)) {
      fwd_first_window_ = packet.tcp_window;
      bits_ |= fwd_window_seen;
    }
  } else {
    bwd_last_window_ = packet.tcp_window;
    if (packet.is_tcp() && !(bits_ & bwd_window_seen)) {
      bwd_first_window_ = packet.tcp_window;
      bits_ |= bwd_window_seen;
    }
  }
}

// spec 4.9.
void CicAccumulator::update_bulk(int d, std::uint32_t s, std::uint32_t t) {
  const int o = 1 - d;
  std::uint32_t& start = bulk_candidate_start_[d];
  std::uint32_t& last = bulk_last_[d];
  if (start != kNone && bulk_last_[o] != kNone && bulk_last_[o] > start) start = kNone;
  if (s == 0) return;
  if (start == kNone || t - last > kBulkGap) {
    start = last = t;
    bulk_candidate_packets_[d] = 1;
    bulk_candidate_bytes_[d] = s;
    return;
  }
  std::uint8_t& packets = bulk_candidate_packets_[d];
  if (packets < 5) ++packets;
  if (packets == 4) {
    bulk_candidate_bytes_[d] += s;
    bulks_[d] += 1;
    bulk_packets_[d] += 4;
    bulk_bytes_[d] += bulk_candidate_bytes_[d];
    bulk_duration_[d] += t - start;
  } else if (packets > 4) {
    bulk_packets_[d] += 1;
    bulk_bytes_[d] += s;
    bulk_duration_[d] += t - last;
  } else {
    bulk_candidate_bytes_[d] += s;
  }
  last = t;
}

// spec 4.11: the current active period ends at the previous packet; the
// last one is never recorded, nor are empty ones.
void CicAccumulator::update_activity(std::uint32_t t, std::uint32_t previous,
                                     std::uint32_t activity_timeout) {
  if (t - previous <= activity_timeout) return;
  if (previous > active_start_) {
    ++active_count_;
    active_sum_ += previous - active_start_;
    record(previous - active_start_, active_squares_, active_min_, active_max_);
  }
  ++idle_count_;
  idle_sum_ += t - previous;
  record(t - previous, idle_squares_, idle_min_, idle_max_);
  active_start_ = t;
}

void CicAccumulator::record_direction_gap(int d, std::uint32_t t) {
  if (first_seen_[d] == kNone) {
    first_seen_[d] = last_seen_[d] = t;
    return;
  }
  record(t - last_seen_[d], direction_gap_squares_[d], direction_gap_min_[d],
         direction_gap_max_[d]);
  last_seen_[d] = t;
}

void CicAccumulator::record_flow_gap(std::uint32_t t, std::uint32_t previous) {
  const std::uint32_t gap = t - previous;
  record(gap, flow_gap_squares_, flow_gap_min_, flow_gap_max_);
  if (gap > kSubflowGap && long_gaps_ < UINT16_MAX) ++long_gaps_;
}

CicValues CicAccumulator::values(const CicContext& flow, FeatureProfile profile) const {
  CicValues values{};
  Columns c(values);
  using C = CicColumn;
  const bool fixed = profile == FeatureProfile::fixed;
  const bool tcp = flow.protocol == decode::kProtoTcp;
  const std::uint64_t nf = flow.packets[kFwd], nb = flow.packets[kBwd], n = nf + nb;
  const std::uint64_t bf = payload_sum_[kFwd], bb = payload_sum_[kBwd];
  const std::int64_t dur = flow.duration;

  c.integer(C::flow_duration, dur);
  c.integer(C::total_fwd_packets, static_cast<std::int64_t>(nf));
  c.integer(C::total_bwd_packets, static_cast<std::int64_t>(nb));
  c.integer(C::total_length_fwd_packets, static_cast<std::int64_t>(bf));
  c.integer(C::total_length_bwd_packets, static_cast<std::int64_t>(bb));

  // Payload lengths per direction and over all packets (4.2 rows 6-13, 40-44).
  const auto length_columns = [&](int d, C max, C min, C mean, C std) {
    const std::uint64_t count = flow.packets[d];
    const Spread s = spread(count, payload_sum_[d], payload_squares_[d]);
    c.integer(max, count ? payload_max_[d] : 0);
    c.integer(min, count ? payload_min_[d] : 0);
    c.real(mean, s.mean);
    c.real(std, s.std);
  };
  length_columns(kFwd, C::fwd_packet_length_max, C::fwd_packet_length_min,
                 C::fwd_packet_length_mean, C::fwd_packet_length_std);
  length_columns(kBwd, C::bwd_packet_length_max, C::bwd_packet_length_min,
                 C::bwd_packet_length_mean, C::bwd_packet_length_std);
  const Spread all = spread(n, bf + bb, payload_squares_[kFwd] + payload_squares_[kBwd]);
  c.integer(C::packet_length_min, n ? std::min(nf ? payload_min_[kFwd] : UINT32_MAX,
                                               nb ? payload_min_[kBwd] : UINT32_MAX)
                                    : 0);
  c.integer(C::packet_length_max, std::max(payload_max_[kFwd], payload_max_[kBwd]));
  c.real(C::packet_length_mean, all.mean);
  c.real(C::packet_length_std, all.std);
  c.real(C::packet_length_variance, all.variance);

  // Rates (4.4, D10).
  c.real(C::flow_bytes_per_s, dur > 0 ? per_second(bf + bb, dur) : -1.0);
  c.real(C::flow_packets_per_s, dur > 0 ? per_second(n, dur) : -1.0);
  c.real(C::fwd_packets_per_s, dur > 0 ? per_second(nf, dur) : 0.0);
  c.real(C::bwd_packets_per_s, dur > 0 ? per_second(nb, dur) : 0.0);

  // Flow IAT (4.5): n - 1 gaps summing to the duration.
  const Spread flow_iat = spread(n > 0 ? n - 1 : 0, static_cast<std::uint64_t>(dur),
                                 flow_gap_squares_);
  c.real(C::flow_iat_mean, flow_iat.mean);
  c.real(C::flow_iat_std, flow_iat.std);
  c.integer(C::flow_iat_max, n > 1 ? flow_gap_max_ : 0);
  c.integer(C::flow_iat_min, n > 1 ? flow_gap_min_ : 0);

  // Directional IAT (4.6).
  const auto iat_columns = [&](int d, C total, C mean, C std, C max, C min) {
    const std::uint64_t gaps = flow.packets[d] > 1 ? flow.packets[d] - 1 : 0;
    const std::uint64_t sum = gaps ? last_seen_[d] - first_seen_[d] : 0;
    const Spread s = spread(gaps, sum, direction_gap_squares_[d]);
    c.integer(total, static_cast<std::int64_t>(sum));
    c.real(mean, s.mean);
    c.real(std, s.std);
    c.integer(max, gaps ? direction_gap_max_[d] : 0);
    c.integer(min, gaps ? direction_gap_min_[d] : 0);
  };
  iat_columns(kFwd, C::fwd_iat_total, C::fwd_iat_mean, C::fwd_iat_std, C::fwd_iat_max,
              C::fwd_iat_min);
  iat_columns(kBwd, C::bwd_iat_total, C::bwd_iat_mean, C::bwd_iat_std, C::bwd_iat_max,
              C::bwd_iat_min);

  // Flags (4.2 rows 30-35, 45-52). The first packet's RST counts in the
  // total always, per direction only in `fixed` [Q3].
  const bool first_rst_fwd = (bits_ & first_rst) && (bits_ & first_forward);
  const bool first_rst_bwd = (bits_ & first_rst) && !(bits_ & first_forward);
  c.integer(C::fwd_psh_flags, psh_[kFwd]);
  c.integer(C::bwd_psh_flags, psh_[kBwd]);
  c.integer(C::fwd_urg_flags, urg_[kFwd]);
  c.integer(C::bwd_urg_flags, urg_[kBwd]);
  c.integer(C::fwd_rst_flags, rst_[kFwd] + (fixed && first_rst_fwd));
  c.integer(C::bwd_rst_flags, rst_[kBwd] + (fixed && first_rst_bwd));
  c.integer(C::fin_flag_count, fin_);
  c.integer(C::syn_flag_count, syn_);
  c.integer(C::rst_flag_count, rst_[kFwd] + rst_[kBwd] + ((bits_ & first_rst) != 0));
  c.integer(C::psh_flag_count, psh_[kFwd] + psh_[kBwd]);
  c.integer(C::ack_flag_count, ack_);
  c.integer(C::urg_flag_count, urg_[kFwd] + urg_[kBwd]);
  c.integer(C::cwr_flag_count, cwr_);
  c.integer(C::ece_flag_count, ece_);
  c.integer(C::fwd_header_length, static_cast<std::int64_t>(header_sum_[kFwd]));
  c.integer(C::bwd_header_length, static_cast<std::int64_t>(header_sum_[kBwd]));

  // Ratios and averages (4.2 rows 53-56).
  c.real(C::down_up_ratio, nf ? static_cast<double>(nb) / static_cast<double>(nf) : 0.0);
  c.real(C::average_packet_size, all.mean);
  c.real(C::fwd_segment_size_avg, nf ? static_cast<double>(bf) / static_cast<double>(nf) : 0.0);
  c.real(C::bwd_segment_size_avg, nb ? static_cast<double>(bb) / static_cast<double>(nb) : 0.0);

  // Bulks (4.9): integer results, as in the dataset.
  const auto bulk_columns = [&](int d, C bytes, C packets, C rate) {
    const std::uint64_t bulks = bulks_[d];
    c.integer(bytes, bulks ? static_cast<std::int64_t>(bulk_bytes_[d] / bulks) : 0);
    c.integer(packets, bulks ? bulk_packets_[d] / bulks : 0);
    c.integer(rate, bulk_duration_[d] ? static_cast<std::int64_t>(std::trunc(
                                            per_second(bulk_bytes_[d], bulk_duration_[d])))
                                      : 0);
  };
  bulk_columns(kFwd, C::fwd_bytes_per_bulk_avg, C::fwd_packets_per_bulk_avg,
               C::fwd_bulk_rate_avg);
  bulk_columns(kBwd, C::bwd_bytes_per_bulk_avg, C::bwd_packets_per_bulk_avg,
               C::bwd_bulk_rate_avg);

  // Subflows (4.10 [Q4]).
  const std::uint64_t parts[4] = {nf, bf, nb, bb};
  const C subflow[4] = {C::subflow_fwd_packets, C::subflow_fwd_bytes, C::subflow_bwd_packets,
                        C::subflow_bwd_bytes};
  for (int i = 0; i < 4; ++i) {
    if (fixed) {
      c.real(subflow[i], static_cast<double>(parts[i]) / (1.0 + long_gaps_));
    } else {
      c.integer(subflow[i], n ? static_cast<std::int64_t>(parts[i] / n) : 0);
    }
  }

  // Initial windows, data packets, header minimum (4.7, 4.8 [Q2, Q5-Q7]).
  const bool first_is_forward = bits_ & first_forward;
  if (fixed) {
    c.integer(C::fwd_init_win_bytes, (bits_ & fwd_window_seen) ? fwd_first_window_ : -1);
    c.integer(C::bwd_init_win_bytes, (bits_ & bwd_window_seen) ? bwd_first_window_ : -1);
    c.integer(C::fwd_act_data_packets,
              fwd_data_packets_ + ((bits_ & first_fwd_payload) != 0));
    c.integer(C::fwd_seg_size_min, nf ? fwd_header_min_ : 0);
  } else {
    c.integer(C::fwd_init_win_bytes, first_is_forward && tcp ? fwd_first_window_ : 0);
    c.integer(C::bwd_init_win_bytes, nb ? bwd_last_window_ : 0);
    c.integer(C::fwd_act_data_packets, fwd_data_packets_);
    c.integer(C::fwd_seg_size_min, first_is_forward ? fwd_header_min_ : 0);
  }

  // Active / idle (4.11).
  const Spread active = spread(active_count_, active_sum_, active_squares_);
  const Spread idle = spread(idle_count_, idle_sum_, idle_squares_);
  c.real(C::active_mean, active.mean);
  c.real(C::active_std, active.std);
  c.integer(C::active_max, active_count_ ? active_max_ : 0);
  c.integer(C::active_min, active_count_ ? active_min_ : 0);
  c.real(C::idle_mean, idle.mean);
  c.real(C::idle_std, idle.std);
  c.integer(C::idle_max, idle_count_ ? idle_max_ : 0);
  c.integer(C::idle_min, idle_count_ ? idle_min_ : 0);

  c.integer(C::icmp_code, is_icmp(flow.protocol) ? flow.icmp_code : -1);
  c.integer(C::icmp_type, is_icmp(flow.protocol) ? flow.icmp_type : -1);
  c.integer(C::total_tcp_flow_time, tcp ? flow.start + dur - flow.chain_start : 0);
  return values;
}

}  // namespace mld::flow
