// The kernel's fanout program and the user-space owner function must pick the
// same worker for every packet whose outer headers are its flow's headers
// (pipeline/live_pipeline.h explains why). The program is run here with
// libpcap's cBPF interpreter (bpf_filter(), which has BPF_MOD and BPF_XOR) on
// the frames of real captures and on hand-built ones, and compared with
// live_owner() on the decoder's flow key.
//
// The installed program addresses the packet as the kernel presents it to a
// fanout program (SKF_AD_PROTOCOL for the EtherType, SKF_NET_OFF for the
// network header); libpcap knows neither, so the test relocates those loads to
// plain offsets into an Ethernet frame whose outer VLAN tag was removed the
// way the kernel does on receive. Every other instruction runs unchanged.
#include "pipeline/live_dispatch.h"

#include <gtest/gtest.h>
#include <linux/filter.h>
#include <pcap/bpf.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "capture/fanout_program.h"
#include "capture/pcap_file_reader.h"
#include "decode/decoder.h"
#include "flow/flow_key.h"
#include "tools/pcap_builder.h"

namespace mld::pipeline {
namespace {

namespace fs = std::filesystem;
using testing::Bytes;
using testing::FrameBuilder;

constexpr unsigned kWorkerCounts[] = {2, 3, 4, 7};
constexpr std::uint64_t kSeeds[] = {0x0123456789abcdefULL, 0xfffffffffffffff1ULL};
constexpr std::size_t kEthernetHeader = 14;

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

fs::path data_dir() {
  if (const char* env = std::getenv("MLD_TEST_DATA"); env != nullptr && *env != '\0') return env;
  return fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "shared" /
         "data";
}

// The kernel program, with its kernel-only loads turned into Ethernet offsets.
std::vector<bpf_insn> for_ethernet_frame(const std::vector<sock_filter>& program) {
  std::vector<bpf_insn> out;
  for (const sock_filter& f : program) {
    bpf_insn insn{f.code, f.jt, f.jf, f.k};
    const auto mode = BPF_MODE(f.code);
    const bool load = BPF_CLASS(f.code) == BPF_LD || BPF_CLASS(f.code) == BPF_LDX;
    const auto k = static_cast<std::int32_t>(f.k);
    if (load && (mode == BPF_ABS || mode == BPF_IND) && k < 0) {
      if (k == SKF_AD_OFF + SKF_AD_PROTOCOL) {
        insn.k = 12;  // the EtherType once the outer VLAN tag is gone
      } else if (k >= SKF_NET_OFF && k < SKF_NET_OFF + 0x10000) {
        insn.k = static_cast<std::uint32_t>(k - SKF_NET_OFF) + kEthernetHeader;
      } else {
        ADD_FAILURE() << "unexpected negative load offset " << k;
      }
    }
    out.push_back(insn);
  }
  return out;
}

// skb_vlan_untag(): on receive the kernel moves one outer 802.1Q/802.1ad tag
// out of the frame before any packet socket sees it.
Bytes as_kernel_sees(const std::uint8_t* data, std::size_t size) {
  Bytes frame(data, data + size);
  if (size >= 18) {
    const unsigned type = (frame[12] << 8) | frame[13];
    if (type == 0x8100 || type == 0x88a8) frame.erase(frame.begin() + 12, frame.begin() + 16);
  }
  return frame;
}

unsigned run_program(const std::vector<bpf_insn>& program, const Bytes& frame) {
  const auto size = static_cast<unsigned>(frame.size());
  return bpf_filter(program.data(), frame.data(), size, size);
}

// Why the kernel cannot see what the decoder keys the flow on, or "" when it can.
std::string outer_differs(const Bytes& kernel_frame, const decode::PacketView& view) {
  if (view.tunnel.depth > 0) return "tunnel";
  if (kernel_frame.size() < kEthernetHeader) return "short";
  const unsigned type = (kernel_frame[12] << 8) | kernel_frame[13];
  if (type != 0x0800 && type != 0x86dd) return "inner vlan/mpls/pppoe";
  // IPv6 extension headers: the program does not walk them.
  if (type == 0x86dd && kernel_frame.size() > kEthernetHeader + 6 &&
      kernel_frame[kEthernetHeader + 6] != view.protocol) {
    return "ipv6 extension headers";
  }
  return "";
}

struct Programs {
  std::map<std::pair<unsigned, std::uint64_t>, std::vector<bpf_insn>> by_workers_and_seed;
  Programs() {
    for (unsigned n : kWorkerCounts) {
      for (std::uint64_t seed : kSeeds) {
        by_workers_and_seed[{n, seed}] = for_ethernet_frame(capture::fanout_program(n, seed));
      }
    }
  }
};

const Programs& programs() {
  static const Programs p;
  return p;
}

decode::DropReason decode_frame(const std::uint8_t* data, std::uint32_t size,
                                decode::PacketView& view) {
  capture::RawPacket raw;
  raw.timestamp = 1'700'000'000'000'000;
  raw.captured_length = raw.wire_length = size;
  raw.data = data;
  return decode::Decoder().decode(raw, view);
}

// Compares kernel and user space for one decoded frame; returns false (with
// a failure recorded) on the first disagreement.
bool agrees(const Bytes& kernel_frame, const decode::PacketView& view, const std::string& where) {
  bool from_lower = false;
  const flow::FlowKey key = flow::FlowKey::of(view, flow::KeyOptions{}, from_lower);
  for (const auto& [n_seed, program] : programs().by_workers_and_seed) {
    const auto [workers, seed] = n_seed;
    const unsigned kernel = run_program(program, kernel_frame);
    const unsigned user = live_owner(key, seed, workers);
    if (kernel != user) {
      ADD_FAILURE() << where << ": kernel picks worker " << kernel << ", user space " << user
                    << " (workers " << workers << ", seed " << seed << ")";
      return false;
    }
  }
  return true;
}

void expect_agreement(const Bytes& frame, const std::string& where) {
  decode::PacketView view;
  ASSERT_EQ(decode_frame(frame.data(), static_cast<std::uint32_t>(frame.size()), view),
            decode::DropReason::none)
      << where;
  const Bytes kernel_frame = as_kernel_sees(frame.data(), frame.size());
  ASSERT_EQ(outer_differs(kernel_frame, view), "") << where;
  agrees(kernel_frame, view, where);
}

TEST(LiveDispatch, HandBuiltFramesAgree) {
  expect_agreement(
      FrameBuilder().ethernet().ipv4("10.0.0.1", "10.0.0.2", 6).tcp(40000, 80, 0x02).build(),
      "ipv4 tcp");
  expect_agreement(FrameBuilder()
                       .ethernet()
                       .ipv4("192.168.1.9", "8.8.8.8", 17)
                       .udp(5353, 53)
                       .payload(20)
                       .build(),
                   "ipv4 udp");
  expect_agreement(
      FrameBuilder().ethernet().ipv4("10.1.1.1", "10.2.2.2", 17, 0, 8).udp(1, 2).build(),
      "ipv4 with options");
  expect_agreement(
      FrameBuilder().ethernet().ipv4("10.0.0.1", "10.0.0.2", 1).icmp(8, 0).payload(8).build(),
      "icmp");
  expect_agreement(FrameBuilder().ethernet().ipv4("10.0.0.1", "10.0.0.2", 132).sctp(9, 10).build(),
                   "sctp: no ports on either side");
  expect_agreement(FrameBuilder()
                       .ethernet()
                       .ipv4("10.0.0.1", "10.0.0.2", 17, 0x2000)
                       .udp(7, 8)
                       .payload(64)
                       .build(),
                   "ipv4 first fragment");
  expect_agreement(FrameBuilder()
                       .ethernet(0x86dd)
                       .ipv6("2001:db8::1", "2001:db8::2", 6)
                       .tcp(443, 51000, 0x12)
                       .build(),
                   "ipv6 tcp");
  expect_agreement(
      FrameBuilder().ethernet(0x86dd).ipv6("fe80::1", "ff02::fb", 17).udp(5353, 5353).build(),
      "ipv6 udp");
  expect_agreement(
      FrameBuilder().ethernet(0x86dd).ipv6("2001:db8::1", "2001:db8::2", 58).icmp(128, 0).build(),
      "icmpv6");
  expect_agreement(
      FrameBuilder().ethernet().vlan(100).ipv4("10.0.0.1", "10.0.0.2", 17).udp(1000, 2000).build(),
      "vlan-tagged ipv4 udp");
}

// A non-first fragment never becomes a flow packet, but the kernel still has
// to place it: by addresses alone, where the flow without ports would go.
TEST(LiveDispatch, NonFirstFragmentHashesAddressesOnly) {
  const Bytes frame =
      FrameBuilder().ethernet().ipv4("10.0.0.1", "10.0.0.2", 17, 0x0010).payload(64).build();
  decode::PacketView view;
  ASSERT_EQ(decode_frame(frame.data(), static_cast<std::uint32_t>(frame.size()), view),
            decode::DropReason::non_first_fragment);
  const Bytes first = FrameBuilder()
                          .ethernet()
                          .ipv4("10.0.0.1", "10.0.0.2", 1)
                          .icmp(8, 0)
                          .build();  // same addresses, no ports
  ASSERT_EQ(decode_frame(first.data(), static_cast<std::uint32_t>(first.size()), view),
            decode::DropReason::none);
  bool from_lower = false;
  const flow::FlowKey key = flow::FlowKey::of(view, {}, from_lower);
  for (const auto& [n_seed, program] : programs().by_workers_and_seed) {
    EXPECT_EQ(run_program(program, frame), live_owner(key, n_seed.second, n_seed.first));
  }
}

TEST(LiveDispatch, NonIpGoesToWorkerZero) {
  const Bytes arp = FrameBuilder().ethernet(0x0806).payload(28).build();
  for (const auto& [n_seed, program] : programs().by_workers_and_seed) {
    EXPECT_EQ(run_program(program, arp), 0u);
  }
}

TEST(LiveDispatch, BothDirectionsOfAFlowMapToTheSameWorker) {
  const std::pair<Bytes, Bytes> flows[] = {
      {FrameBuilder().ethernet().ipv4("10.0.0.1", "172.16.5.4", 6).tcp(40000, 443, 0x02).build(),
       FrameBuilder().ethernet().ipv4("172.16.5.4", "10.0.0.1", 6).tcp(443, 40000, 0x12).build()},
      {FrameBuilder()
           .ethernet(0x86dd)
           .ipv6("2001:db8::a", "2001:db8:1::b", 17)
           .udp(53, 61000)
           .build(),
       FrameBuilder()
           .ethernet(0x86dd)
           .ipv6("2001:db8:1::b", "2001:db8::a", 17)
           .udp(61000, 53)
           .build()},
  };
  for (const auto& [forward, backward] : flows) {
    decode::PacketView a, b;
    ASSERT_EQ(decode_frame(forward.data(), static_cast<std::uint32_t>(forward.size()), a),
              decode::DropReason::none);
    ASSERT_EQ(decode_frame(backward.data(), static_cast<std::uint32_t>(backward.size()), b),
              decode::DropReason::none);
    for (const auto& [n_seed, program] : programs().by_workers_and_seed) {
      EXPECT_EQ(run_program(program, forward), run_program(program, backward));
    }
    // The user-space hash sees endpoints, not the key's order of them.
    bool lower = false;
    flow::FlowKey key = flow::FlowKey::of(a, {}, lower);
    const std::uint32_t hash = live_flow_hash(key, kSeeds[0]);
    std::swap(key.lower_ip, key.upper_ip);
    std::swap(key.lower_port, key.upper_port);
    EXPECT_EQ(live_flow_hash(key, kSeeds[0]), hash);
  }
}

TEST(LiveDispatch, SeedChangesTheHash) {
  const Bytes frame =
      FrameBuilder().ethernet().ipv4("10.0.0.1", "10.0.0.2", 6).tcp(1, 2, 2).build();
  decode::PacketView view;
  ASSERT_EQ(decode_frame(frame.data(), static_cast<std::uint32_t>(frame.size()), view),
            decode::DropReason::none);
  bool lower = false;
  const flow::FlowKey key = flow::FlowKey::of(view, {}, lower);
  EXPECT_NE(live_flow_hash(key, 1), live_flow_hash(key, 2));
  EXPECT_NE(live_flow_hash(key, 1),
            live_flow_hash(key, std::uint64_t{1} | (std::uint64_t{5} << 32)));
}

// The kernel accepts the program: attaching it as a socket filter to a UDP
// socket runs the same classic-BPF checker (no privilege needed).
TEST(LiveDispatch, KernelAcceptsTheProgram) {
  for (unsigned n : {1u, 2u, 7u, 64u}) {
    std::vector<sock_filter> program = capture::fanout_program(n, kSeeds[0]);
    ASSERT_LE(program.size(), static_cast<std::size_t>(BPF_MAXINSNS));
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(fd, 0);
    const sock_fprog fprog{static_cast<unsigned short>(program.size()), program.data()};
    EXPECT_EQ(::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog), 0)
        << "workers " << n << ": " << std::strerror(errno);
    ::close(fd);
  }
}

TEST(LiveDispatch, EveryFrameOfTheNdpiCapturesAgrees) {
  const fs::path root = data_dir() / "ndpi";
  if (!fs::is_directory(root)) {
    if (running_in_ci()) FAIL() << root << " is missing (CI=true: cannot skip)";
    GTEST_SKIP() << root << " not found; set MLD_TEST_DATA";
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".pcap" || ext == ".pcapng" || ext == ".cap")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::size_t compared = 0, ipv6 = 0, tcp_udp = 0;
  std::map<std::string, std::size_t> skipped;
  int failures = 0;
  for (const fs::path& file : files) {
    try {
      capture::PcapFileReader reader(file.string(), 0);
      if (reader.link_type() != capture::kLinkEthernet) continue;
      capture::RawPacket raw;
      for (std::size_t i = 0; reader.next(raw); ++i) {
        decode::PacketView view;
        if (decode::Decoder().decode(raw, view) != decode::DropReason::none) continue;
        const Bytes kernel_frame = as_kernel_sees(raw.data, raw.captured_length);
        if (const std::string why = outer_differs(kernel_frame, view); !why.empty()) {
          ++skipped[why];
          continue;
        }
        ++compared;
        ipv6 += view.ip_version == decode::IpVersion::v6;
        tcp_udp += view.protocol == decode::kProtoTcp || view.protocol == decode::kProtoUdp;
        if (!agrees(kernel_frame, view, file.string() + " frame " + std::to_string(i + 1)) &&
            ++failures > 10) {
          FAIL() << "too many disagreements";
        }
      }
    } catch (const capture::CaptureError&) {
      // Truncated or corrupt captures are part of the corpus; frames read so far counted.
    }
  }
  std::string skipped_text;
  for (const auto& [why, n] : skipped) skipped_text += " " + why + "=" + std::to_string(n);
  std::printf("compared %zu frames (%zu IPv6, %zu TCP/UDP); not comparable:%s\n", compared, ipv6,
              tcp_udp, skipped_text.c_str());
  EXPECT_GT(compared, 50'000u);
  EXPECT_GT(ipv6, 1'000u);
}

}  // namespace
}  // namespace mld::pipeline
