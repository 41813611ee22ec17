#include "flow/flow_tracker.h"

#include <algorithm>
#include <cstring>
#include <new>

namespace mld::flow {

namespace flag = decode::tcp_flag;
using decode::PacketView;

namespace {

bool is_icmp(std::uint8_t protocol) {
  return protocol == decode::kProtoIcmp || protocol == decode::kProtoIcmpv6;
}

}  // namespace

FlowTracker::FlowTracker(const FlowTrackerOptions& options, FlowRecordSink& sink)
    : options_(options),
      sink_(sink),
      flows_(std::max<std::uint32_t>(options.max_flows, 1)),
      by_activity_(flows_),
      by_start_(flows_),
      features_(options.features ? sizeof(CicAccumulator) * flows_.capacity() : 0),
      tombstones_(options.rules.cic_rules ? std::max<std::uint32_t>(options.max_tombstones, 1)
                                          : 1),
      tombstones_by_age_(tombstones_) {}

void FlowTracker::process(const PacketView& packet) {
  if (packet.timestamp < clock_) counters_.timestamps_clamped.add();
  advance_clock(packet.timestamp);
  counters_.packets.add();
  counters_.bytes.add(packet.wire_length);

  bool from_lower = false;
  const FlowKey key = FlowKey::of(packet, options_.key, from_lower);
  const std::uint64_t hash = key.hash(options_.hash_seed);
  const std::uint32_t slot = flows_.find(key, hash);
  if (slot == kNoSlot) {
    start_flow(key, hash, from_lower, packet);
    return;
  }

  EndReason reason;
  if (options_.rules.cic_rules && cic_ends_before(flows_[slot], packet, reason)) {
    end_flow(slot, reason);
    start_flow(key, hash, from_lower, packet);
    return;
  }
  add_packet(slot, direction_of(flows_[slot], from_lower), packet);
}

// spec 2.2: a packet is forward iff it comes from the forward endpoint. When
// both endpoints are one and the same (10.0.0.1:80 -> 10.0.0.1:80, a LAND
// attack), every packet comes from it.
Direction FlowTracker::direction_of(const Flow& flow, bool from_lower) {
  const FlowKey& key = flow.key;
  const bool one_endpoint = key.lower_ip == key.upper_ip && key.lower_port == key.upper_port;
  if (one_endpoint || from_lower == flow.forward_is_lower) return Direction::forward;
  return Direction::backward;
}

void FlowTracker::advance_clock(Micros now) {
  if (now <= clock_) return;
  clock_ = now;
  expire_due_flows();
  expire_old_tombstones();
}

void FlowTracker::end_all(EndReason reason) {
  while (!by_start_.empty()) end_flow(by_start_.front(), reason);
  while (!tombstones_by_age_.empty()) {
    const std::uint32_t slot = tombstones_by_age_.front();
    tombstones_by_age_.remove(slot);
    tombstones_.erase(slot, tombstones_[slot].key.hash(options_.hash_seed));
  }
  clock_ = 0;
}

// spec 3.2 A, 2.2 and 3.7: a packet without a live flow starts one. After a
// CIC TCP timeout its tombstone makes it a continuation, unless the old flow
// was closed (READY) and this packet opens a new connection with a SYN.
void FlowTracker::start_flow(const FlowKey& key, std::uint64_t hash, bool from_lower,
                             const PacketView& packet) {
  if (flows_.full()) end_flow(by_activity_.front(), EndReason::eviction);

  bool forward_is_lower = from_lower;
  bool syn_ack_first = false;
  Micros chain_start = clock_;
  const bool syn = packet.is_tcp() && packet.has_flag(flag::syn);
  if (options_.rules.cic_rules) {
    syn_ack_first = syn && packet.has_flag(flag::ack);
    if (syn_ack_first) forward_is_lower = !from_lower;  // spec 2.2 rule 2
    const std::uint32_t tomb = tombstones_.find(key, hash);
    if (tomb != kNoSlot) {
      const Tombstone& t = tombstones_[tomb];
      if (!(t.was_ready && syn)) {  // spec 2.2 rule 3
        forward_is_lower = t.forward_is_lower;
        chain_start = t.chain_start;
        syn_ack_first = false;
        counters_.continuations.add();
      }
      tombstones_by_age_.remove(tomb);
      tombstones_.erase(tomb, hash);
    }
  }

  const std::uint32_t slot = flows_.insert(key, hash);
  Flow& flow = flows_[slot];
  flow.start = clock_;
  flow.elapsed = 0;
  flow.chain_start = chain_start;
  flow.forward_is_lower = forward_is_lower;
  flow.cic_state = CicTcpState::open;
  flow.first_icmp_type = packet.icmp_type;
  flow.first_icmp_code = packet.icmp_code;
  flow.input_index = packet.input_index;
  flow.tunnel_depth = packet.tunnel.depth;
  flow.tunnel_id = packet.tunnel.id;
  by_start_.push_back(slot);
  by_activity_.push_back(slot);
  counters_.flows_created.add();
  counters_.active_flows.set(flows_.size());

  // A SYN-ACK that creates a flow counts as backward (spec 2.2 rule 2), even
  // when both endpoints are the same one.
  const Direction side = syn_ack_first ? Direction::backward : direction_of(flow, from_lower);
  flow.conn.start(/*flipped=*/side == Direction::backward);
  flow.packets[index(side)] = 1;
  flow.bytes[index(side)] = packet.wire_length;
  flow.conn.on_packet(side, packet);
  if (options_.features) (new (&features_of(slot)) CicAccumulator{})->start(packet, side);
  // The first packet never changes the CIC state or FIN counts (spec 3.2).
  if (options_.observer != nullptr) options_.observer->on_packet(slot, flow, side, packet);
}

void FlowTracker::add_packet(std::uint32_t slot, Direction side, const PacketView& packet) {
  Flow& flow = flows_[slot];
  flow.packets[index(side)] += 1;
  flow.bytes[index(side)] += packet.wire_length;
  // Timeouts end every flow within kMaxFlowSpan (configuration enforces it).
  const auto elapsed = static_cast<std::uint32_t>(
      std::min<Micros>(clock_ - flow.start, kMaxFlowSpan));
  if (options_.features) {
    features_of(slot).add(packet, side, elapsed, flow.elapsed,
                          static_cast<std::uint32_t>(options_.activity_timeout));
  }
  flow.elapsed = elapsed;
  flow.conn.on_packet(side, packet);
  if (options_.rules.cic_rules) update_cic_state(flow, side, packet.tcp_flags);
  by_activity_.move_to_back(slot);
  if (options_.observer != nullptr) options_.observer->on_packet(slot, flow, side, packet);
}

// spec 3.2 C-E (branch order matters: FIN before RST before ACK).
void FlowTracker::update_cic_state(Flow& flow, Direction side, std::uint8_t tcp_flags) {
  if (tcp_flags & flag::fin) {
    (side == Direction::forward ? flow.fin_forward : flow.fin_backward) = true;
    if (flow.cic_state == CicTcpState::open) {
      flow.cic_state = CicTcpState::first_fin;
    } else if (flow.cic_state == CicTcpState::first_fin && flow.fin_forward &&
               flow.fin_backward) {
      flow.cic_state = CicTcpState::second_fin;
    }
  } else if (tcp_flags & flag::rst) {
    flow.cic_state = CicTcpState::ready;
  } else if (tcp_flags & flag::ack) {
    if (flow.cic_state == CicTcpState::second_fin) flow.cic_state = CicTcpState::ready;
  }
}

// spec 3.2 B (new SYN on a closed flow) and F (ICMP type and code both change).
bool FlowTracker::cic_ends_before(const Flow& flow, const PacketView& packet,
                                  EndReason& reason) const {
  if (flow.cic_state == CicTcpState::ready && packet.has_flag(flag::syn)) {
    reason = EndReason::tcp_close;
    return true;
  }
  const std::uint8_t flags = packet.tcp_flags;
  const bool takes_earlier_branch = flags & (flag::fin | flag::rst | flag::ack);
  if (!takes_earlier_branch && is_icmp(flow.key.protocol) &&
      packet.icmp_code != flow.first_icmp_code && packet.icmp_type != flow.first_icmp_type) {
    reason = EndReason::icmp_change;
    return true;
  }
  return false;
}

void FlowTracker::end_flow(std::uint32_t slot, EndReason reason) {
  const Flow& flow = flows_[slot];
  sink_.on_flow_end(make_record(slot, reason));
  counters_.ended[static_cast<std::size_t>(reason)].add();

  const std::uint64_t hash = flow.key.hash(options_.hash_seed);
  const bool may_continue = reason == EndReason::timeout || reason == EndReason::eviction;
  if (options_.rules.cic_rules && flow.key.protocol == decode::kProtoTcp && may_continue) {
    const Micros deadline = flow.start + options_.rules.active_limit * options_.rules.clock_unit;
    bury(flow, hash, reason == EndReason::timeout ? std::min(deadline, clock_) : clock_);
  }
  by_start_.remove(slot);
  by_activity_.remove(slot);
  flows_.erase(slot, hash);
  counters_.active_flows.set(flows_.size());
}

// `ended_at` is the flow's deadline for a timeout (not the moment a tick
// noticed it), so continuation memory does not depend on tick timing.
void FlowTracker::bury(const Flow& flow, std::uint64_t hash, Micros ended_at) {
  if (tombstones_.full()) {
    const std::uint32_t oldest = tombstones_by_age_.front();
    tombstones_by_age_.remove(oldest);
    tombstones_.erase(oldest, tombstones_[oldest].key.hash(options_.hash_seed));
    counters_.tombstones_evicted.add();
  }
  const std::uint32_t slot = tombstones_.insert(flow.key, hash);
  Tombstone& tomb = tombstones_[slot];
  tomb.ended_at = ended_at;
  tomb.chain_start = flow.chain_start;
  tomb.forward_is_lower = flow.forward_is_lower;
  tomb.was_ready = flow.cic_state == CicTcpState::ready;
  tombstones_by_age_.push_back(slot);
}

// Both lists are ordered by the time they test (creation order has
// non-decreasing start; activity order non-decreasing last), so only their
// fronts need looking at.
void FlowTracker::expire_due_flows() {
  while (!by_start_.empty() && past_active_timeout(flows_[by_start_.front()])) {
    end_flow(by_start_.front(), EndReason::timeout);
  }
  if (options_.rules.idle_limit < 0) return;
  while (!by_activity_.empty() && past_idle_timeout(flows_[by_activity_.front()])) {
    end_flow(by_activity_.front(), EndReason::timeout);
  }
}

void FlowTracker::expire_old_tombstones() {
  if (options_.tombstone_lifetime <= 0) return;
  while (!tombstones_by_age_.empty()) {
    const std::uint32_t slot = tombstones_by_age_.front();
    if (clock_ - tombstones_[slot].ended_at <= options_.tombstone_lifetime) break;
    tombstones_by_age_.remove(slot);
    tombstones_.erase(slot, tombstones_[slot].key.hash(options_.hash_seed));
    counters_.tombstones_expired.add();
  }
}

bool FlowTracker::past_active_timeout(const Flow& flow) const {
  const Micros unit = options_.rules.clock_unit;
  return clock_ / unit - flow.start / unit > options_.rules.active_limit;
}

bool FlowTracker::past_idle_timeout(const Flow& flow) const {
  const Micros unit = options_.rules.clock_unit;
  return clock_ / unit - flow.last() / unit > options_.rules.idle_limit;
}

FlowRecord FlowTracker::make_record(std::uint32_t slot, EndReason reason) {
  const Flow& flow = flows_[slot];
  const FlowIdentity id = identity_of(flow);
  FlowRecord r;
  r.flow_id = id.flow_id;
  r.ip_version = id.ip_version;
  r.protocol = id.protocol;
  r.src_ip = id.src_ip, r.src_port = id.src_port;
  r.dst_ip = id.dst_ip, r.dst_port = id.dst_port;
  r.vlans = id.vlans;
  r.tunnel = id.tunnel;
  r.input_index = id.input_index;
  r.icmp_type = flow.first_icmp_type;
  r.icmp_code = flow.first_icmp_code;
  r.worker = options_.worker;
  r.start = flow.start;
  r.end = flow.last();
  r.packets_toserver = flow.packets[0];
  r.packets_toclient = flow.packets[1];
  r.bytes_toserver = flow.bytes[0];
  r.bytes_toclient = flow.bytes[1];
  r.state = flow.conn.flow_state(id.protocol);
  r.reason = reason;
  r.conn_state = flow.conn.conn_state(id.protocol);
  const std::string_view history = flow.conn.history();
  r.history_length = static_cast<std::uint8_t>(history.size());
  std::copy(history.begin(), history.end(), r.history);
  r.has_features = options_.features;
  if (r.has_features) {
    r.features = features_of(slot);
    r.chain_start = flow.chain_start;
  }
  if (options_.observer != nullptr) options_.observer->on_flow_end(slot, flow, r);
  return r;
}

}  // namespace mld::flow
