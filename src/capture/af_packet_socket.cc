#include "capture/af_packet_socket.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <utility>

namespace mld::capture {
namespace {

constexpr std::uint32_t kMaxBlockSize = 4u << 20;
constexpr std::uint32_t kMinBlockCount = 2;
constexpr std::uint32_t kBlocksPerRing = 8;  // aim: the kernel fills one while we read others
constexpr std::uint32_t kVlanTagBytes = 4;
constexpr std::uint32_t kMacAddressBytes = 12;

constexpr std::uint32_t align16(std::uint32_t n) { return (n + 15u) & ~15u; }

// The size of a fanout program, as SO_ATTACH_FILTER and PACKET_FANOUT_DATA want it.
sock_fprog as_fprog(std::vector<sock_filter>& program) {
  return {static_cast<unsigned short>(program.size()), program.data()};
}

}  // namespace

RingGeometry ring_geometry(std::uint32_t snaplen, std::size_t ring_bytes) {
  RingGeometry g;
  // Slot for the largest frame: V3 header, link-layer alignment room, the
  // snapshot and a reinserted VLAN tag.
  g.frame_size = align16(TPACKET_ALIGN(TPACKET3_HDRLEN) + 16 + snaplen + kVlanTagBytes);
  const std::size_t target = std::max<std::size_t>(ring_bytes / kBlocksPerRing, 1);
  const std::uint32_t wanted =
      std::bit_floor(static_cast<std::uint32_t>(std::min<std::size_t>(target, kMaxBlockSize)));
  g.block_size =
      std::max({wanted, std::bit_ceil(g.frame_size), static_cast<std::uint32_t>(::getpagesize())});
  g.block_count = std::max<std::uint32_t>(kMinBlockCount,
                                          static_cast<std::uint32_t>(ring_bytes / g.block_size));
  g.frame_count = (g.block_size / g.frame_size) * g.block_count;
  return g;
}

AfPacketSocket::AfPacketSocket(const std::string& interface, const AfPacketOptions& options)
    : interface_(interface), snaplen_(options.snaplen) {
  const int ifindex = index_of_interface();
  // Protocol 0: nothing arrives before bind() names the interface.
  fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd_ < 0 && errno == EPERM) {
    throw CaptureError("-i " + interface_ +
                       ": socket(AF_PACKET): not permitted (needs root or CAP_NET_RAW)");
  }
  if (fd_ < 0) fail("socket(AF_PACKET)", errno);
  try {
    set_filter(0);  // tap closed until open_tap()
    set_up_ring(options);
    bind_to(ifindex);
    packet_mreq promisc{};
    promisc.mr_ifindex = ifindex;
    promisc.mr_type = PACKET_MR_PROMISC;
    set_option(SOL_PACKET, PACKET_ADD_MEMBERSHIP, &promisc, sizeof promisc,
               "setsockopt(PACKET_ADD_MEMBERSHIP)");
    join_fanout(options);
  } catch (...) {
    close();
    throw;
  }
}

AfPacketSocket::~AfPacketSocket() { close(); }

void AfPacketSocket::close() {
  if (ring_ != nullptr) ::munmap(ring_, ring_size_);
  if (fd_ >= 0) ::close(fd_);  // also leaves the fanout group and promiscuous mode
  ring_ = nullptr;
  fd_ = -1;
}

AfPacketSocket::AfPacketSocket(AfPacketSocket&& other) noexcept
    : interface_(std::move(other.interface_)),
      fd_(std::exchange(other.fd_, -1)),
      ring_(std::exchange(other.ring_, nullptr)),
      ring_size_(other.ring_size_),
      block_size_(other.block_size_),
      block_count_(other.block_count_),
      current_(other.current_),
      snaplen_(other.snaplen_),
      fanout_group_(other.fanout_group_),
      scratch_(std::move(other.scratch_)),
      totals_(other.totals_),
      frames_read_(other.frames_read_) {}

void AfPacketSocket::fail(const std::string& call, int error) const {
  throw CaptureError("-i " + interface_ + ": " + call + ": " + std::strerror(error));
}

int AfPacketSocket::index_of_interface() const {
  if (interface_.empty() || interface_.size() >= IFNAMSIZ) {
    throw CaptureError("-i " + interface_ + ": not a valid interface name");
  }
  const unsigned index = ::if_nametoindex(interface_.c_str());
  if (index == 0 && errno == ENODEV) throw CaptureError("-i " + interface_ + ": no such interface");
  if (index == 0) fail("if_nametoindex", errno);
  return static_cast<int>(index);
}

void AfPacketSocket::set_option(int level, int name, const void* value, unsigned length,
                                const char* call) {
  if (::setsockopt(fd_, level, name, value, length) != 0) fail(call, errno);
}

// The socket filter's return value is how many bytes of a frame to keep: 0
// keeps nothing, snaplen truncates.
void AfPacketSocket::set_filter(std::uint32_t accept_bytes) {
  std::vector<sock_filter> program{BPF_STMT(BPF_RET | BPF_K, accept_bytes)};
  const sock_fprog fprog = as_fprog(program);
  set_option(SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog, "setsockopt(SO_ATTACH_FILTER)");
}

void AfPacketSocket::open_tap() { set_filter(snaplen_); }

void AfPacketSocket::close_tap() { set_filter(0); }

void AfPacketSocket::set_up_ring(const AfPacketOptions& options) {
  const int version = TPACKET_V3;
  set_option(SOL_PACKET, PACKET_VERSION, &version, sizeof version, "setsockopt(PACKET_VERSION)");
  const RingGeometry g = ring_geometry(options.snaplen, options.ring_bytes);
  tpacket_req3 request{};
  request.tp_block_size = g.block_size;
  request.tp_block_nr = g.block_count;
  request.tp_frame_size = g.frame_size;
  request.tp_frame_nr = g.frame_count;
  request.tp_retire_blk_tov = std::max<std::uint32_t>(1, options.block_timeout_ms);
  set_option(SOL_PACKET, PACKET_RX_RING, &request, sizeof request, "setsockopt(PACKET_RX_RING)");
  ring_size_ = std::size_t{g.block_size} * g.block_count;
  void* ring = ::mmap(nullptr, ring_size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (ring == MAP_FAILED) fail("mmap(PACKET_RX_RING)", errno);
  ring_ = static_cast<std::uint8_t*>(ring);
  block_size_ = g.block_size;
  block_count_ = g.block_count;
  scratch_.resize(g.block_size + kVlanTagBytes);
}

void AfPacketSocket::bind_to(int ifindex) {
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_ALL);
  address.sll_ifindex = ifindex;
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    fail("bind", errno);
  }
  // Binding to an interface that is down succeeds but leaves the error here.
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error != 0) {
    if (error == ENETDOWN) throw CaptureError("-i " + interface_ + ": interface is down");
    fail("bind", error);
  }
}

void AfPacketSocket::join_fanout(const AfPacketOptions& options) {
  const bool cbpf = !options.fanout_program.empty();
  std::uint32_t type_flags =
      (cbpf ? PACKET_FANOUT_CBPF : PACKET_FANOUT_HASH) | PACKET_FANOUT_FLAG_DEFRAG;
  if (!options.fanout_group) type_flags |= PACKET_FANOUT_FLAG_UNIQUEID;
  const std::uint32_t request = options.fanout_group.value_or(0) | (type_flags << 16);
  set_option(SOL_PACKET, PACKET_FANOUT, &request, sizeof request, "setsockopt(PACKET_FANOUT)");
  std::uint32_t joined = 0;
  socklen_t length = sizeof joined;
  if (::getsockopt(fd_, SOL_PACKET, PACKET_FANOUT, &joined, &length) != 0) {
    fail("getsockopt(PACKET_FANOUT)", errno);
  }
  fanout_group_ = static_cast<std::uint16_t>(joined & 0xffff);
  if (!cbpf) return;
  std::vector<sock_filter> program = options.fanout_program;
  const sock_fprog fprog = as_fprog(program);
  set_option(SOL_PACKET, PACKET_FANOUT_DATA, &fprog, sizeof fprog,
             "setsockopt(PACKET_FANOUT_DATA)");
}

tpacket_block_desc* AfPacketSocket::block(std::uint32_t i) const {
  return reinterpret_cast<tpacket_block_desc*>(ring_ + std::size_t{i} * block_size_);
}

bool AfPacketSocket::ready() const {
  // Acquire: the frames the kernel wrote before handing the block over.
  return (__atomic_load_n(&block(current_)->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
          TP_STATUS_USER) != 0;
}

void AfPacketSocket::release(tpacket_block_desc* desc) {
  __atomic_store_n(&desc->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
  current_ = (current_ + 1) % block_count_;
}

bool AfPacketSocket::wait(int timeout_ms) {
  pollfd entry{fd_, POLLIN, 0};
  const int n = ::poll(&entry, 1, timeout_ms);
  if (n < 0 && errno == EINTR) return false;  // a signal: the caller checks for shutdown
  if (n < 0) fail("poll", errno);
  if (entry.revents & (POLLERR | POLLHUP | POLLNVAL)) throw_socket_error();
  return ready();
}

void AfPacketSocket::throw_socket_error() {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  if (error == ENETDOWN) throw CaptureError("-i " + interface_ + ": interface went down");
  fail("poll", error != 0 ? error : EIO);
}

// The kernel moves an offloaded 802.1Q/802.1ad tag out of the frame into the
// header; put it back after the MAC addresses so the decoder sees the frame
// a pcap file would hold (tcpdump does the same).
const RawPacket& AfPacketSocket::frame_of(const tpacket3_hdr& header) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(&header) + header.tp_mac;
  frame_.timestamp = static_cast<Micros>(header.tp_sec) * kMicrosPerSecond + header.tp_nsec / 1000;
  frame_.captured_length = header.tp_snaplen;
  frame_.wire_length = header.tp_len;
  frame_.link_type = kLinkEthernet;
  frame_.input_index = 0;
  frame_.data = data;
  const bool tagged = header.hv1.tp_vlan_tci != 0 || (header.tp_status & TP_STATUS_VLAN_VALID) != 0;
  if (!tagged || header.tp_snaplen < kMacAddressBytes ||
      header.tp_snaplen + kVlanTagBytes > scratch_.size()) {
    return frame_;
  }
  const std::uint16_t tpid = (header.tp_status & TP_STATUS_VLAN_TPID_VALID) != 0
                                 ? header.hv1.tp_vlan_tpid
                                 : std::uint16_t{ETH_P_8021Q};
  std::uint8_t* out = scratch_.data();
  std::memcpy(out, data, kMacAddressBytes);
  const std::uint16_t tag[2] = {htons(tpid), htons(header.hv1.tp_vlan_tci)};
  std::memcpy(out + kMacAddressBytes, tag, kVlanTagBytes);
  std::memcpy(out + kMacAddressBytes + kVlanTagBytes, data + kMacAddressBytes,
              header.tp_snaplen - kMacAddressBytes);
  frame_.data = out;
  frame_.captured_length += kVlanTagBytes;
  frame_.wire_length += kVlanTagBytes;
  return frame_;
}

KernelStats AfPacketSocket::stats() {
  tpacket_stats_v3 now{};
  socklen_t length = sizeof now;
  if (::getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &now, &length) != 0) {
    fail("getsockopt(PACKET_STATISTICS)", errno);
  }
  totals_.packets += now.tp_packets;  // the kernel already adds tp_drops in here
  totals_.drops += now.tp_drops;
  return totals_;
}

}  // namespace mld::capture
