#pragma once
// One AF_PACKET socket bound to one interface, reading a TPACKET_V3 ring that
// the kernel fills block by block, in promiscuous mode and joined to a fanout
// group so that several sockets (one per worker thread) share the traffic.
//
// Life cycle: the constructor binds the socket and joins the group with the
// tap closed (a filter that accepts nothing), so that no frame reaches a
// socket before every member has joined (a lone member would otherwise see
// frames that later belong to another). open_tap() then installs the snaplen
// filter. A socket is used by one thread at a time.
#include <linux/filter.h>
#include <linux/if_packet.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/capture_error.h"
#include "capture/raw_packet.h"

namespace mld::capture {

struct AfPacketOptions {
  std::uint32_t snaplen = 65535;
  std::size_t ring_bytes = std::size_t{64} << 20;
  // A partly filled block goes to user space after this long (tp_retire_blk_tov).
  std::uint32_t block_timeout_ms = 100;
  // Empty: ask the kernel for a group id no one else uses (read it back with
  // fanout_group() and give it to the other members). The kernel may hand
  // out 0, so 0 is a group id like any other.
  std::optional<std::uint16_t> fanout_group;
  // PACKET_FANOUT_CBPF program; empty: the kernel's PACKET_FANOUT_HASH.
  std::vector<sock_filter> fanout_program;
};

// How the ring is cut: blocks of whole frames (pure arithmetic, testable).
struct RingGeometry {
  std::uint32_t block_size = 0;  // power of two, page multiple
  std::uint32_t block_count = 0;
  std::uint32_t frame_size = 0;  // largest frame slot: header + snaplen
  std::uint32_t frame_count = 0;
};
RingGeometry ring_geometry(std::uint32_t snaplen, std::size_t ring_bytes);

struct KernelStats {
  std::uint64_t packets = 0;  // frames the socket was offered (received + dropped)
  std::uint64_t drops = 0;    // frames lost because the ring was full
};

class AfPacketSocket {
 public:
  // Throws CaptureError ("-i eth9: no such interface", "-i veth0:
  // setsockopt(PACKET_FANOUT): ...").
  AfPacketSocket(const std::string& interface, const AfPacketOptions& options);
  ~AfPacketSocket();
  AfPacketSocket(AfPacketSocket&& other) noexcept;
  AfPacketSocket& operator=(AfPacketSocket&&) = delete;
  AfPacketSocket(const AfPacketSocket&) = delete;
  AfPacketSocket& operator=(const AfPacketSocket&) = delete;

  void open_tap();   // starts capturing (snaplen filter)
  void close_tap();  // accepts no more frames; those in the ring stay readable

  int fd() const { return fd_; }
  std::uint16_t fanout_group() const { return fanout_group_; }
  const std::string& interface() const { return interface_; }

  // True when the next block is ready for user space.
  bool ready() const;
  // Waits up to `timeout_ms` for a block (false on timeout or a signal).
  bool wait(int timeout_ms);
  // After poll() reported POLLERR/POLLHUP on fd(): throws the socket's error.
  [[noreturn]] void throw_socket_error();

  // Hands every frame of up to `max_blocks` ready blocks to `on_frame(const
  // RawPacket&)` and gives the blocks back to the kernel. The packet's bytes
  // are valid only during the call. Returns the number of frames.
  template <class F>
  std::size_t read_blocks(F&& on_frame, std::size_t max_blocks = 1);

  // Waits up to `timeout_ms`, then reads what is ready.
  template <class F>
  std::size_t poll_frames(int timeout_ms, F&& on_frame) {
    if (!ready() && !wait(timeout_ms)) return 0;
    return read_blocks(on_frame, block_count_);
  }

  // Totals since the socket opened (PACKET_STATISTICS resets on every read).
  KernelStats stats();
  // Frames handed to read_blocks() callers so far.
  std::uint64_t frames_read() const { return frames_read_; }

 private:
  void close();
  [[noreturn]] void fail(const std::string& call, int error) const;
  int index_of_interface() const;
  void set_option(int level, int name, const void* value, unsigned length, const char* call);
  void set_filter(std::uint32_t accept_bytes);
  void set_up_ring(const AfPacketOptions& options);
  void bind_to(int ifindex);
  void join_fanout(const AfPacketOptions& options);
  tpacket_block_desc* block(std::uint32_t i) const;
  void release(tpacket_block_desc* block);
  const RawPacket& frame_of(const tpacket3_hdr& header);

  std::string interface_;
  int fd_ = -1;
  std::uint8_t* ring_ = nullptr;
  std::size_t ring_size_ = 0;
  std::uint32_t block_size_ = 0;
  std::uint32_t block_count_ = 0;
  std::uint32_t current_ = 0;  // next block to read
  std::uint32_t snaplen_ = 0;
  std::uint16_t fanout_group_ = 0;
  RawPacket frame_;
  std::vector<std::uint8_t> scratch_;  // frame with its VLAN tag put back
  KernelStats totals_;
  std::uint64_t frames_read_ = 0;
};

template <class F>
std::size_t AfPacketSocket::read_blocks(F&& on_frame, std::size_t max_blocks) {
  std::size_t frames = 0;
  for (std::size_t b = 0; b < max_blocks && ready(); ++b) {
    tpacket_block_desc* desc = block(current_);
    struct Release {  // the block goes back even if on_frame throws
      AfPacketSocket& socket;
      tpacket_block_desc* desc;
      ~Release() { socket.release(desc); }
    } release{*this, desc};
    const std::uint32_t count = desc->hdr.bh1.num_pkts;
    auto* header = reinterpret_cast<const std::uint8_t*>(desc) + desc->hdr.bh1.offset_to_first_pkt;
    for (std::uint32_t i = 0; i < count; ++i) {
      const auto& frame = *reinterpret_cast<const tpacket3_hdr*>(header);
      ++frames_read_;
      on_frame(frame_of(frame));
      header += frame.tp_next_offset;
    }
    frames += count;
  }
  return frames;
}

}  // namespace mld::capture
