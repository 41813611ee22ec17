#pragma once
// Zeek-style connection summary: `conn_state` (S0, SF, REJ, RSTO, ...) and the
// `history` string (ShADadFf...), from per-endpoint TCP states that follow
// Zeek's TCP analyzer. The originator is the flow's forward side.
//
// Deliberate simplifications (documented in docs/flow-records.md):
// - S/H/F/R are recorded once per direction (Zeek repeats them when a later
//   packet carries a different sequence number);
// - no C (checksums are not verified) and no G (no stream reassembly).
#include <cstdint>
#include <string_view>

#include "decode/packet_view.h"
#include "flow/direction.h"

namespace mld::flow {

enum class ConnState : std::uint8_t {
  S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH
};
std::string_view conn_state_name(ConnState state);

// Suricata's coarse flow state.
enum class FlowState : std::uint8_t { new_, established, closed };
std::string_view flow_state_name(FlowState state);

class ConnTracker {
 public:
  static constexpr std::size_t kMaxHistory = 23;

  // `flipped`: the forward side did not send the first packet (Zeek's '^').
  void start(bool flipped);
  void on_packet(Direction side, const decode::PacketView& packet);

  ConnState conn_state(std::uint8_t protocol) const;
  FlowState flow_state(std::uint8_t protocol) const;
  std::string_view history() const { return {history_, history_length_}; }

 private:
  enum class TcpState : std::uint8_t {
    inactive, syn_sent, syn_ack_sent, partial, established, closed, reset
  };
  // Letters that Zeek records once per direction.
  enum Seen : std::uint8_t {
    seen_syn = 1, seen_ack = 2, seen_data = 4, seen_fin = 8, seen_rst = 16,
    seen_fin_rst = 32, seen_syn_fin_rst = 64, seen_any = 128
  };

  void on_tcp(Direction side, const decode::PacketView& packet);
  void update_tcp_state(Direction side, std::uint8_t flags, std::uint32_t payload);
  void record_tcp_letters(Direction side, const decode::PacketView& packet);
  void record_once(Direction side, Seen bit, char letter);
  void record_scaled(Direction side, std::uint16_t& count, char letter);
  void append(Direction side, char letter);
  bool inactive(Direction side) const;
  bool rejected_before_handshake() const;

  TcpState tcp_[2] = {TcpState::inactive, TcpState::inactive};
  std::uint8_t seen_[2] = {0, 0};
  bool has_payload_[2] = {false, false};
  bool seq_known_[2] = {false, false};
  std::uint32_t highest_seq_end_[2] = {0, 0};  // for retransmission ('T')
  // Only for the 1st, 10th, 100th, ... occurrence; they stop at 65,535.
  std::uint16_t retransmissions_[2] = {0, 0};
  std::uint16_t zero_windows_[2] = {0, 0};
  std::uint8_t history_length_ = 0;
  char history_[kMaxHistory] = {};
};

}  // namespace mld::flow
