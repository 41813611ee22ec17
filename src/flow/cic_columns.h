#pragma once
// The 81 statistic columns of the corrected CIC-IDS2017 dataset, in CSV order
// (spec/flow-features.md 4.2): JSON key and CSV name. Whether a value is an
// integer or a double travels with the value (CicValue): the subflow columns
// are integers in the `dataset` profile and doubles in `fixed` [Q4].
#include <array>
#include <cstdint>
#include <string_view>

namespace mld::flow {

#define MLD_CIC_COLUMNS(X)                                                 \
  X(flow_duration, "Flow Duration")                                           \
  X(total_fwd_packets, "Total Fwd Packet")                                    \
  X(total_bwd_packets, "Total Bwd packets")                                   \
  X(total_length_fwd_packets, "Total Length of Fwd Packet")                   \
  X(total_length_bwd_packets, "Total Length of Bwd Packet")                   \
  X(fwd_packet_length_max, "Fwd Packet Length Max")                           \
  X(fwd_packet_length_min, "Fwd Packet Length Min")                           \
  X(fwd_packet_length_mean, "Fwd Packet Length Mean")                         \
  X(fwd_packet_length_std, "Fwd Packet Length Std")                           \
  X(bwd_packet_length_max, "Bwd Packet Length Max")                           \
  X(bwd_packet_length_min, "Bwd Packet Length Min")                           \
  X(bwd_packet_length_mean, "Bwd Packet Length Mean")                         \
  X(bwd_packet_length_std, "Bwd Packet Length Std")                           \
  X(flow_bytes_per_s, "Flow Bytes/s")                                         \
  X(flow_packets_per_s, "Flow Packets/s")                                     \
  X(flow_iat_mean, "Flow IAT Mean")                                           \
  X(flow_iat_std, "Flow IAT Std")                                             \
  X(flow_iat_max, "Flow IAT Max")                                             \
  X(flow_iat_min, "Flow IAT Min")                                             \
  X(fwd_iat_total, "Fwd IAT Total")                                           \
  X(fwd_iat_mean, "Fwd IAT Mean")                                             \
  X(fwd_iat_std, "Fwd IAT Std")                                               \
  X(fwd_iat_max, "Fwd IAT Max")                                               \
  X(fwd_iat_min, "Fwd IAT Min")                                               \
  X(bwd_iat_total, "Bwd IAT Total")                                           \
  X(bwd_iat_mean, "Bwd IAT Mean")                                             \
  X(bwd_iat_std, "Bwd IAT Std")                                               \
  X(bwd_iat_max, "Bwd IAT Max")                                               \
  X(bwd_iat_min, "Bwd IAT Min")                                               \
  X(fwd_psh_flags, "Fwd PSH Flags")                                           \
  X(bwd_psh_flags, "Bwd PSH Flags")                                           \
  X(fwd_urg_flags, "Fwd URG Flags")                                           \
  X(bwd_urg_flags, "Bwd URG Flags")                                           \
  X(fwd_rst_flags, "Fwd RST Flags")                                           \
  X(bwd_rst_flags, "Bwd RST Flags")                                           \
  X(fwd_header_length, "Fwd Header Length")                                   \
  X(bwd_header_length, "Bwd Header Length")                                   \
  X(fwd_packets_per_s, "Fwd Packets/s")                                       \
  X(bwd_packets_per_s, "Bwd Packets/s")                                       \
  X(packet_length_min, "Packet Length Min")                                   \
  X(packet_length_max, "Packet Length Max")                                   \
  X(packet_length_mean, "Packet Length Mean")                                 \
  X(packet_length_std, "Packet Length Std")                                   \
  X(packet_length_variance, "Packet Length Variance")                         \
  X(fin_flag_count, "FIN Flag Count")                                         \
  X(syn_flag_count, "SYN Flag Count")                                         \
  X(rst_flag_count, "RST Flag Count")                                         \
  X(psh_flag_count, "PSH Flag Count")                                         \
  X(ack_flag_count, "ACK Flag Count")                                         \
  X(urg_flag_count, "URG Flag Count")                                         \
  X(cwr_flag_count, "CWR Flag Count")                                         \
  X(ece_flag_count, "ECE Flag Count")                                         \
  X(down_up_ratio, "Down/Up Ratio")                                           \
  X(average_packet_size, "Average Packet Size")                               \
  X(fwd_segment_size_avg, "Fwd Segment Size Avg")                            \
  X(bwd_segment_size_avg, "Bwd Segment Size Avg")                            \
  X(fwd_bytes_per_bulk_avg, "Fwd Bytes/Bulk Avg")                             \
  X(fwd_packets_per_bulk_avg, "Fwd Packet/Bulk Avg")                          \
  X(fwd_bulk_rate_avg, "Fwd Bulk Rate Avg")                                   \
  X(bwd_bytes_per_bulk_avg, "Bwd Bytes/Bulk Avg")                             \
  X(bwd_packets_per_bulk_avg, "Bwd Packet/Bulk Avg")                          \
  X(bwd_bulk_rate_avg, "Bwd Bulk Rate Avg")                                   \
  X(subflow_fwd_packets, "Subflow Fwd Packets")                               \
  X(subflow_fwd_bytes, "Subflow Fwd Bytes")                                   \
  X(subflow_bwd_packets, "Subflow Bwd Packets")                               \
  X(subflow_bwd_bytes, "Subflow Bwd Bytes")                                   \
  X(fwd_init_win_bytes, "FWD Init Win Bytes")                                 \
  X(bwd_init_win_bytes, "Bwd Init Win Bytes")                                 \
  X(fwd_act_data_packets, "Fwd Act Data Pkts")                                \
  X(fwd_seg_size_min, "Fwd Seg Size Min")                                     \
  X(active_mean, "Active Mean")                                               \
  X(active_std, "Active Std")                                                 \
  X(active_max, "Active Max")                                                 \
  X(active_min, "Active Min")                                                 \
  X(idle_mean, "Idle Mean")                                                   \
  X(idle_std, "Idle Std")                                                     \
  X(idle_max, "Idle Max")                                                     \
  X(idle_min, "Idle Min")                                                     \
  X(icmp_code, "ICMP Code")                                                   \
  X(icmp_type, "ICMP Type")                                                   \
  X(total_tcp_flow_time, "Total TCP Flow Time")

enum class CicColumn : std::uint8_t {
#define MLD_CIC_ENUM(key, csv) key,
  MLD_CIC_COLUMNS(MLD_CIC_ENUM)
#undef MLD_CIC_ENUM
      count
};
inline constexpr std::size_t kCicColumnCount = static_cast<std::size_t>(CicColumn::count);
static_assert(kCicColumnCount == 81);

struct CicColumnInfo {
  std::string_view json_key;
  std::string_view csv_name;
};

inline constexpr std::array<CicColumnInfo, kCicColumnCount> kCicColumns = {{
#define MLD_CIC_INFO(key, csv) {#key, csv},
    MLD_CIC_COLUMNS(MLD_CIC_INFO)
#undef MLD_CIC_INFO
}};

// One column's value: an integer, or a double (never NaN or infinite).
struct CicValue {
  bool is_float = false;
  std::int64_t integer = 0;
  double real = 0;
};

using CicValues = std::array<CicValue, kCicColumnCount>;

}  // namespace mld::flow
