#include "flow/conn_tracker.h"

namespace mld::flow {

namespace flag = decode::tcp_flag;

std::string_view conn_state_name(ConnState state) {
  static constexpr std::string_view kNames[] = {"S0",   "S1",     "SF",    "REJ", "S2",
                                                "S3",   "RSTO",   "RSTR",  "RSTOS0",
                                                "RSTRH", "SH",    "SHR",   "OTH"};
  return kNames[static_cast<int>(state)];
}

std::string_view flow_state_name(FlowState state) {
  switch (state) {
    case FlowState::new_: return "new";
    case FlowState::established: return "established";
    case FlowState::closed: return "closed";
  }
  return "new";
}

void ConnTracker::start(bool flipped) {
  if (flipped) history_[history_length_++] = '^';
}

void ConnTracker::on_packet(Direction side, const decode::PacketView& packet) {
  seen_[index(side)] |= seen_any;
  if (packet.payload_length > 0) has_payload_[index(side)] = true;
  if (packet.is_tcp()) {
    on_tcp(side, packet);
  } else if (packet.protocol == decode::kProtoUdp && packet.payload_length > 0) {
    record_once(side, seen_data, 'D');
  }
}

void ConnTracker::on_tcp(Direction side, const decode::PacketView& packet) {
  record_tcp_letters(side, packet);
  update_tcp_state(side, packet.tcp_flags, packet.payload_length);
}

// Zeek's history letters (TCPSessionAdapter update_history / CheckHistory).
void ConnTracker::record_tcp_letters(Direction side, const decode::PacketView& packet) {
  const std::uint8_t flags = packet.tcp_flags;
  const bool syn = flags & flag::syn, fin = flags & flag::fin, rst = flags & flag::rst;
  const bool ack = flags & flag::ack;
  const int i = index(side);

  if (syn && !fin && !rst) record_once(side, seen_syn, ack ? 'H' : 'S');
  if (fin && !syn && !rst) record_once(side, seen_fin, 'F');
  if (rst && !syn && !fin) record_once(side, seen_rst, 'R');
  if (fin && rst) record_once(side, seen_fin_rst, 'I');
  if (syn && (fin || rst)) record_once(side, seen_syn_fin_rst, 'Q');
  if (!syn && !fin && !rst) {
    if (packet.payload_length > 0) {
      record_once(side, seen_data, 'D');
    } else if (ack) {
      record_once(side, seen_ack, 'A');
    }
  }

  // A payload that ends at or before the highest sequence already seen in
  // this direction was sent before: a retransmission.
  if (packet.payload_length > 0 && tcp_[i] != TcpState::reset) {
    const std::uint32_t end = packet.tcp_seq + packet.payload_length;
    if (seq_known_[i] && static_cast<std::int32_t>(end - highest_seq_end_[i]) <= 0) {
      record_scaled(side, retransmissions_[i], 'T');
    } else {
      highest_seq_end_[i] = end;
      seq_known_[i] = true;
    }
  }
  if (packet.tcp_window == 0 && !rst && tcp_[i] != TcpState::reset &&
      tcp_[index(opposite(side))] != TcpState::closed) {
    record_scaled(side, zero_windows_[i], 'W');
  }
}

// Zeek's per-endpoint TCP state machine (TCPSessionAdapter::UpdateStateMachine):
// within one packet SYN is handled first, then FIN, then RST.
void ConnTracker::update_tcp_state(Direction side, std::uint8_t flags, std::uint32_t payload) {
  const bool syn = flags & flag::syn, fin = flags & flag::fin, rst = flags & flag::rst;
  const bool ack = flags & flag::ack;
  TcpState& self = tcp_[index(side)];
  TcpState& peer = tcp_[index(opposite(side))];

  switch (self) {
    case TcpState::inactive:
      if (syn) {
        if (side == Direction::forward) {
          self = ack ? TcpState::syn_ack_sent : TcpState::syn_sent;
        } else {
          if (peer == TcpState::syn_sent || peer == TcpState::syn_ack_sent) {
            peer = TcpState::established;
          }
          self = TcpState::established;
        }
      } else if (!fin && !rst) {
        const bool awaiting_syn_ack = side == Direction::backward && payload == 0 &&
                                      peer == TcpState::syn_sent;
        if (awaiting_syn_ack) break;
        self = ack && peer == TcpState::established ? TcpState::established : TcpState::partial;
      }
      if (fin) self = TcpState::closed;
      if (rst) self = TcpState::reset;
      break;
    case TcpState::syn_sent:
    case TcpState::syn_ack_sent:
      if (fin) self = TcpState::closed;
      if (rst) self = TcpState::reset;
      break;
    case TcpState::established:
    case TcpState::partial:
      if (syn && self == TcpState::partial && peer == TcpState::inactive) {
        self = TcpState::syn_sent;
      }
      if (fin && !rst) self = TcpState::closed;
      if (rst) self = TcpState::reset;
      break;
    case TcpState::closed:
      if (rst && peer != TcpState::closed) self = TcpState::reset;
      break;
    case TcpState::reset:
      break;
  }
}

void ConnTracker::record_once(Direction side, Seen bit, char letter) {
  if (seen_[index(side)] & bit) return;
  seen_[index(side)] |= bit;
  append(side, letter);
}

// Zeek repeats some letters on the 1st, 10th, 100th, ... occurrence.
void ConnTracker::record_scaled(Direction side, std::uint16_t& count, char letter) {
  if (count == UINT16_MAX) return;
  ++count;
  for (std::uint32_t threshold = 1; threshold <= count; threshold *= 10) {
    if (threshold == count) append(side, letter);
  }
}

void ConnTracker::append(Direction side, char letter) {
  if (history_length_ == kMaxHistory) return;
  // Upper case: originator (forward side); lower case: responder.
  history_[history_length_++] =
      side == Direction::forward ? letter : static_cast<char>(letter - 'A' + 'a');
}

bool ConnTracker::inactive(Direction side) const {
  const TcpState s = tcp_[index(side)];
  return s == TcpState::inactive || s == TcpState::partial;
}

// Zeek's RSTOS0 pattern on the history: ^?S[^HAFGIQ]*R.*
bool ConnTracker::rejected_before_handshake() const {
  std::string_view h = history();
  if (!h.empty() && h.front() == '^') h.remove_prefix(1);
  if (h.empty() || h.front() != 'S') return false;
  for (char c : h.substr(1)) {
    if (c == 'R') return true;
    if (std::string_view("HAFGIQ").find(c) != std::string_view::npos) return false;
  }
  return false;
}

// Zeek's conn_state() from base/protocols/conn/main.zeek, tested in its order.
ConnState ConnTracker::conn_state(std::uint8_t protocol) const {
  const bool orig_active = seen_[0] & seen_any;
  const bool resp_active = seen_[1] & seen_any;
  if (protocol == decode::kProtoUdp) {
    if (orig_active) return resp_active ? ConnState::SF : ConnState::S0;
    return resp_active ? ConnState::SHR : ConnState::OTH;
  }
  if (protocol != decode::kProtoTcp) return ConnState::OTH;

  const TcpState os = tcp_[0], rs = tcp_[1];
  const bool o_inactive = inactive(Direction::forward);
  const bool r_inactive = inactive(Direction::backward);
  if (rs == TcpState::reset) {
    const bool no_payload = !has_payload_[0] && !has_payload_[1];
    if (os == TcpState::syn_sent || os == TcpState::syn_ack_sent ||
        (os == TcpState::reset && no_payload)) {
      return ConnState::REJ;
    }
    return o_inactive ? ConnState::RSTRH : ConnState::RSTR;
  }
  if (os == TcpState::reset) {
    if (!r_inactive) return ConnState::RSTO;
    return rejected_before_handshake() ? ConnState::RSTOS0 : ConnState::OTH;
  }
  if (os == TcpState::closed && rs == TcpState::closed) return ConnState::SF;
  if (os == TcpState::closed) return r_inactive ? ConnState::SH : ConnState::S2;
  if (rs == TcpState::closed) return o_inactive ? ConnState::SHR : ConnState::S3;
  if (os == TcpState::syn_sent && rs == TcpState::inactive) return ConnState::S0;
  if (os == TcpState::established && rs == TcpState::established) return ConnState::S1;
  return ConnState::OTH;
}

FlowState ConnTracker::flow_state(std::uint8_t protocol) const {
  if (protocol == decode::kProtoTcp) {
    if (tcp_[0] == TcpState::reset || tcp_[1] == TcpState::reset) return FlowState::closed;
    if (tcp_[0] == TcpState::closed && tcp_[1] == TcpState::closed) return FlowState::closed;
  }
  const bool both_ways = (seen_[0] & seen_any) && (seen_[1] & seen_any);
  return both_ways ? FlowState::established : FlowState::new_;
}

}  // namespace mld::flow
