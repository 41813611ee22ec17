// Smoke test over every real capture under ../shared/data: the decoder must
// never crash, and every frame yields either a consistent view or a named
// drop reason. Doubles as a regression net for the fuzzed and truncated
// captures in tcpdump's and nDPI's test suites.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "capture/raw_packet.h"
#include "decode/decoder.h"

namespace mld::decode {
namespace {

namespace fs = std::filesystem;

// MLD_SHARED_DATA overrides; otherwise the checkout's sibling ../shared/data,
// found from this source file's path (tests/unit/ -> repository root -> ..).
fs::path data_dir() {
  if (const char* env = std::getenv("MLD_SHARED_DATA"); env != nullptr && *env != '\0') return env;
  return fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "shared" /
         "data";
}

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

std::vector<fs::path> capture_files(const fs::path& root) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string ext = entry.path().extension().string();
    if (ext == ".pcap" || ext == ".pcapng" || ext == ".cap") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Invariants every accepted view must satisfy whatever the input.
void check_view(const PacketView& v, const capture::RawPacket& raw, const std::string& where) {
  ASSERT_EQ(v.wire_length, raw.wire_length) << where;
  ASSERT_EQ(v.captured_length, raw.captured_length) << where;
  ASSERT_TRUE(v.ip_version == IpVersion::v4 || v.ip_version == IpVersion::v6) << where;
  ASSERT_LE(v.ip_length, raw.wire_length) << where;
  ASSERT_LE(v.l4_length, v.ip_length) << where;
  ASSERT_LE(v.payload_length, v.l4_length) << where;
  ASSERT_LE(v.captured_payload_length, v.payload_length) << where;
  ASSERT_EQ(v.payload == nullptr, v.captured_payload_length == 0) << where;
  if (v.payload != nullptr) {
    ASSERT_GE(v.payload, raw.data) << where;
    ASSERT_LE(v.payload + v.captured_payload_length, raw.data + raw.captured_length) << where;
  }
  ASSERT_LE(v.tunnel.depth, Decoder::kMaxTunnelDepth) << where;
  ASSERT_EQ(v.tunnel.kind == TunnelKind::none, v.tunnel.depth == 0) << where;
  ASSERT_LE(v.vlans.count, VlanStack::kMaxVlans) << where;
}

TEST(DecodeCaptures, EveryFrameOfEveryCaptureDecodesOrIsDroppedWithAReason) {
  const fs::path root = data_dir();
  if (!fs::is_directory(root)) {
    if (running_in_ci()) FAIL() << "test data missing under CI: " << root;
    GTEST_SKIP() << "no test data at " << root;
  }
  const Decoder decoder;
  std::array<std::uint64_t, kDropReasonSlots> per_reason{};
  std::map<std::string, std::set<TunnelKind>> kinds_by_file;
  std::uint64_t frames = 0;
  std::uint64_t files_read = 0;
  for (const fs::path& file : capture_files(root)) {
    char error[PCAP_ERRBUF_SIZE];
    pcap_t* pcap = pcap_open_offline(file.c_str(), error);
    if (pcap == nullptr) continue;  // some captures are deliberately broken
    ++files_read;
    const auto link_type = static_cast<std::uint16_t>(pcap_datalink(pcap));
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    while (pcap_next_ex(pcap, &header, &data) == 1) {
      capture::RawPacket raw;
      raw.timestamp = header->ts.tv_sec * 1'000'000LL + header->ts.tv_usec;
      raw.captured_length = header->caplen;
      raw.wire_length = header->len;
      raw.link_type = link_type;
      raw.data = data;
      PacketView view;
      const DropReason reason = decoder.decode(raw, view);
      ++frames;
      ASSERT_LT(static_cast<std::size_t>(reason), kDropReasonSlots) << file;
      ASSERT_NE(drop_reason_name(reason), "unknown") << file;
      ++per_reason[static_cast<std::size_t>(reason)];
      if (reason == DropReason::none) {
        ASSERT_NO_FATAL_FAILURE(
            check_view(view, raw, file.string() + " frame " + std::to_string(frames)));
        kinds_by_file[file.filename().string()].insert(view.tunnel.kind);
      }
    }
    pcap_close(pcap);
  }
  ASSERT_GT(files_read, 1000u);
  EXPECT_GT(per_reason[0], frames / 2) << "most real frames are flow packets";

  // Captures known to hold each kind of tunnel.
  const std::map<std::string, TunnelKind> expected = {
      {"4in4tunnel.pcap", TunnelKind::ip4_in_ip4},
      {"6in4tunnel.pcap", TunnelKind::ip6_in_ip4},
      {"4in6tunnel.pcap", TunnelKind::ip4_in_ip6},
      {"6in6tunnel.pcap", TunnelKind::ip6_in_ip6},
      {"gre.pcapng", TunnelKind::gre},
      {"erspan-type-i-1.pcap", TunnelKind::erspan},
      {"erspan-type-ii-1.pcap", TunnelKind::erspan},
      {"erspan-type-iii-ft-0.pcap", TunnelKind::erspan},
      {"vxlan.pcap", TunnelKind::vxlan},
      {"bigtcp-ipv4-vxlan-ipv4.pcap", TunnelKind::vxlan},  // outer and inner length 0
      {"geneve.pcap", TunnelKind::geneve},
      {"gtp-u.pcap", TunnelKind::gtp_u},
      {"teredo.pcap", TunnelKind::teredo},
  };
  for (const auto& [file, kind] : expected) {
    EXPECT_TRUE(kinds_by_file[file].contains(kind)) << file << " " << tunnel_kind_name(kind);
  }

  std::string summary;
  for (std::size_t i = 0; i < kDropReasonSlots; ++i) {
    if (per_reason[i] == 0) continue;
    summary += std::string(drop_reason_name(static_cast<DropReason>(i))) + "=" +
               std::to_string(per_reason[i]) + " ";
  }
  std::printf("[decode captures] %llu files, %llu frames: %s\n",
              static_cast<unsigned long long>(files_read), static_cast<unsigned long long>(frames),
              summary.c_str());
}

}  // namespace
}  // namespace mld::decode
