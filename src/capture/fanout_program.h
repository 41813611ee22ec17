#pragma once
// The classic-BPF program that a PACKET_FANOUT_CBPF group runs on every frame
// to pick the member socket: fanout_hash (fanout_hash.h) of the outer IPv4 or
// IPv6 addresses and TCP/UDP ports, modulo the number of members. Frames that
// are not IP go to member 0.
//
// Packet loads are relative to the network header (SKF_NET_OFF) and the
// EtherType is the kernel's skb->protocol (SKF_AD_PROTOCOL): on transmit the
// frame data starts at the Ethernet header, on receive after it, and a VLAN
// tag may or may not be in the data; the network header and skb->protocol are
// the same in every case.
//
// Ports are hashed only when the kernel's program can see them the same way
// the decoder does: IPv4 TCP/UDP that is not a non-first fragment, or IPv6
// whose next header is directly TCP/UDP. Everything else (IPv6 extension
// headers, tunnels, stacked VLAN tags) may land on another socket than the
// flow's owner; the live pipeline forwards those packets to their owner.
#include <linux/filter.h>

#include <cstdint>
#include <vector>

namespace mld::capture {

std::vector<sock_filter> fanout_program(unsigned workers, std::uint64_t seed);

}  // namespace mld::capture
