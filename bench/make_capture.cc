// Builds the benchmark captures (libpcap only, no project code, so it measures
// nothing of ours and cannot break when src/ changes).
//
// Replay mode (default): every Ethernet capture found under the given
// directories, in sorted path order, replayed in rounds until the output holds
// at least --min-packets packets and --min-flows distinct 5-tuples. Round r adds
// r to the 2nd and 3rd byte of every IPv4/IPv6 address (checksums patched), so
// each round's flows are new while the traffic mix and sizes stay real.
// Within a round all captures play at once from the round's start (many flows
// open together, as on a real link), each keeping its own packet timing except
// that gaps are clamped to [0, --max-gap-us] (some captures span years, idle
// for minutes, or go backwards in time). Rounds follow each other 1 ms apart.
// Frames that are not IPv4/IPv6 over Ethernet (optionally VLAN-tagged) are
// left out, and so are frames with impossible wire lengths (fuzzed files).
//
// Synthetic mode (--synth-flows N): N distinct TCP flows of 2 packets (SYN,
// SYN-ACK) within --synth-span-us of each other, for bytes-per-flow.
#include <pcap/pcap.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

namespace {

constexpr std::int64_t kStartUs = 1'700'000'000LL * 1'000'000;  // 2023-11-14, fixed
constexpr std::int64_t kBetweenRoundsUs = 1000;
constexpr std::uint32_t kMaxWireLen = 65535 + 14 + 8;  // IP datagram + Ethernet + 2 VLAN tags

struct Frame {
  std::int64_t offset_us;  // from the start of the round
  std::uint32_t wire_len;
  std::vector<std::uint8_t> bytes;
};

struct Options {
  std::vector<std::string> dirs;
  std::string output;
  std::uint64_t min_packets = 4'000'000;
  std::uint64_t min_flows = 200'000;
  std::int64_t max_gap_us = 100'000;
  std::uint64_t synth_flows = 0;
  std::int64_t synth_span_us = 2'000'000;
};

struct Totals {
  std::uint64_t packets = 0, bytes = 0;
  std::unordered_set<std::uint64_t> flows;
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "mld_make_bench_capture: %s\n", message.c_str());
  std::exit(1);
}

std::uint16_t get16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

// ---- packet layout -----------------------------------------------------------

// Offset of the IP header after Ethernet and up to two VLAN tags, or 0 when the
// frame is not IPv4/IPv6 over Ethernet (or too short for its IP header).
std::size_t ip_offset(const std::uint8_t* p, std::size_t len) {
  std::size_t at = 12;
  for (int tags = 0; at + 2 <= len; ++tags, at += 4) {
    const std::uint16_t type = get16(p + at);
    const bool vlan = type == 0x8100 || type == 0x88a8 || type == 0x9100;
    if (vlan && tags < 2) continue;
    if (type == 0x0800 && at + 2 + 20 <= len && (p[at + 2] >> 4) == 4) return at + 2;
    if (type == 0x86dd && at + 2 + 40 <= len && (p[at + 2] >> 4) == 6) return at + 2;
    return 0;
  }
  return 0;
}

struct Layout {
  std::size_t src = 0, dst = 0, addr_len = 0;  // address offsets in the frame
  std::size_t l4 = 0;                          // 0: transport header not reachable
  std::uint8_t proto = 0;
};

Layout layout_of(const std::uint8_t* p, std::size_t len, std::size_t ip) {
  Layout l;
  if ((p[ip] >> 4) == 4) {
    l.src = ip + 12, l.dst = ip + 16, l.addr_len = 4, l.proto = p[ip + 9];
    const bool later_fragment = (get16(p + ip + 6) & 0x1fff) != 0;
    if (!later_fragment) l.l4 = ip + 4 * (p[ip] & 0x0f);
  } else {
    l.src = ip + 8, l.dst = ip + 24, l.addr_len = 16, l.proto = p[ip + 6];
    l.l4 = ip + 40;  // extension headers: ports/checksum not followed (rare here)
  }
  if (l.l4 + 8 > len) l.l4 = 0;
  return l;
}

bool has_ports(std::uint8_t proto) { return proto == 6 || proto == 17 || proto == 132; }

// ---- address rewriting -------------------------------------------------------

// RFC 1624 incremental update of a one's-complement checksum for one 16-bit word.
std::uint16_t patch_sum(std::uint16_t sum, std::uint16_t old_word, std::uint16_t new_word) {
  std::uint32_t s = static_cast<std::uint16_t>(~sum) + static_cast<std::uint16_t>(~old_word) + new_word;
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  return static_cast<std::uint16_t>(~s);
}

// Offsets of the captured checksums that cover the addresses: IPv4 header,
// and the TCP/UDP/ICMPv6 pseudo-header.
std::vector<std::size_t> checksums_over_addresses(const std::uint8_t* p, std::size_t len,
                                                  std::size_t ip, const Layout& l) {
  std::vector<std::size_t> at;
  if (l.addr_len == 4) at.push_back(ip + 10);
  if (l.l4 == 0) return at;
  if (l.proto == 6 && l.l4 + 18 <= len) at.push_back(l.l4 + 16);
  if (l.proto == 17 && get16(p + l.l4 + 6) != 0) at.push_back(l.l4 + 6);  // 0: no checksum
  if (l.proto == 58 && l.addr_len == 16) at.push_back(l.l4 + 2);
  return at;
}

// Adds `round` to bytes 1 and 2 of both addresses and patches the checksums.
void rewrite_addresses(std::uint8_t* p, std::size_t len, std::size_t ip, unsigned round) {
  const Layout l = layout_of(p, len, ip);
  const std::vector<std::size_t> sums = checksums_over_addresses(p, len, ip, l);
  for (std::size_t addr : {l.src, l.dst}) {
    const std::uint16_t old0 = get16(p + addr), old1 = get16(p + addr + 2);
    p[addr + 1] = static_cast<std::uint8_t>(p[addr + 1] + round);
    p[addr + 2] = static_cast<std::uint8_t>(p[addr + 2] + round);
    for (std::size_t s : sums) {
      std::uint16_t v = patch_sum(get16(p + s), old0, get16(p + addr));
      v = patch_sum(v, old1, get16(p + addr + 2));
      if (l.proto == 17 && s == l.l4 + 6 && v == 0) v = 0xffff;  // UDP: 0 means "none"
      put16(p + s, v);
    }
  }
}

// ---- flow counting -----------------------------------------------------------

std::uint64_t fnv1a(std::uint64_t h, const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

// Direction-free hash of (protocol, address+port, address+port).
std::uint64_t flow_hash(const std::uint8_t* p, std::size_t len, std::size_t ip) {
  const Layout l = layout_of(p, len, ip);
  std::uint8_t a[18] = {}, b[18] = {};
  std::memcpy(a, p + l.src, l.addr_len);
  std::memcpy(b, p + l.dst, l.addr_len);
  if (has_ports(l.proto) && l.l4 != 0) {
    std::memcpy(a + 16, p + l.l4, 2);
    std::memcpy(b + 16, p + l.l4 + 2, 2);
  }
  if (std::memcmp(a, b, sizeof a) > 0) std::swap(a, b);
  std::uint64_t h = fnv1a(0xcbf29ce484222325ULL, &l.proto, 1);
  return fnv1a(fnv1a(h, a, sizeof a), b, sizeof b);
}

// ---- input -------------------------------------------------------------------

std::vector<std::string> list_files(const std::vector<std::string>& dirs) {
  std::vector<std::string> files;
  for (const std::string& dir : dirs) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());  // determinism: never directory order
  return files;
}

// Appends the IP-over-Ethernet frames of `path`, timed from 0 with clamped gaps.
// Returns false when the file is not an Ethernet capture (or not a capture).
bool load_capture(const std::string& path, std::int64_t max_gap_us, std::vector<Frame>& round) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* in = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, err);
  if (in == nullptr) return false;
  if (pcap_datalink(in) != DLT_EN10MB) {
    pcap_close(in);
    return false;
  }
  pcap_pkthdr* hdr;
  const u_char* data;
  std::int64_t previous = -1, clock_us = 0;
  while (pcap_next_ex(in, &hdr, &data) == 1) {  // a truncated file just ends early
    const std::int64_t ts = hdr->ts.tv_sec * 1'000'000LL + hdr->ts.tv_usec;
    if (previous >= 0) clock_us += std::clamp<std::int64_t>(ts - previous, 0, max_gap_us);
    previous = ts;
    if (ip_offset(data, hdr->caplen) == 0 || hdr->len > kMaxWireLen) continue;
    round.push_back({clock_us, hdr->len, std::vector<std::uint8_t>(data, data + hdr->caplen)});
  }
  pcap_close(in);
  return true;
}

std::vector<Frame> load_round(const Options& o) {
  std::vector<Frame> round;
  unsigned used = 0, skipped = 0;
  for (const std::string& path : list_files(o.dirs)) {
    (load_capture(path, o.max_gap_us, round) ? used : skipped)++;
  }
  // Interleave the captures; stable, so ties keep path order (determinism).
  std::stable_sort(round.begin(), round.end(),
                   [](const Frame& a, const Frame& b) { return a.offset_us < b.offset_us; });
  std::fprintf(stderr, "round: %u Ethernet captures (%u other files skipped), %zu IP frames, %.1f s\n",
               used, skipped, round.size(),
               round.empty() ? 0.0 : static_cast<double>(round.back().offset_us) / 1e6);
  return round;
}

// ---- output ------------------------------------------------------------------

void write(pcap_dumper_t* out, std::int64_t ts_us, std::uint32_t wire_len,
           const std::vector<std::uint8_t>& bytes, Totals& totals) {
  pcap_pkthdr hdr{};
  hdr.ts.tv_sec = ts_us / 1'000'000;
  hdr.ts.tv_usec = ts_us % 1'000'000;
  hdr.caplen = static_cast<bpf_u_int32>(bytes.size());
  hdr.len = wire_len;
  pcap_dump(reinterpret_cast<u_char*>(out), &hdr, bytes.data());
  ++totals.packets;
  totals.bytes += wire_len;
  totals.flows.insert(flow_hash(bytes.data(), bytes.size(), ip_offset(bytes.data(), bytes.size())));
}

pcap_dumper_t* open_output(const std::string& path, pcap_t*& dead) {
  dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 262144, PCAP_TSTAMP_PRECISION_MICRO);
  pcap_dumper_t* out = pcap_dump_open(dead, path.c_str());
  if (out == nullptr) die(path + ": " + pcap_geterr(dead));
  return out;
}

std::int64_t replay(const Options& o, pcap_dumper_t* out, Totals& totals) {
  const std::vector<Frame> round = load_round(o);
  if (round.empty()) die("no IP-over-Ethernet frames found");
  const std::int64_t round_us = round.back().offset_us + kBetweenRoundsUs;
  unsigned r = 0;
  for (; totals.packets < o.min_packets || totals.flows.size() < o.min_flows; ++r) {
    if (r == 256) die("256 rounds would repeat addresses; lower the targets");
    for (const Frame& f : round) {
      std::vector<std::uint8_t> bytes = f.bytes;
      if (r != 0) rewrite_addresses(bytes.data(), bytes.size(), ip_offset(bytes.data(), bytes.size()), r);
      write(out, kStartUs + r * round_us + f.offset_us, f.wire_len, bytes, totals);
    }
  }
  std::fprintf(stderr, "rounds: %u\n", r);
  return r * round_us;
}

// ---- synthetic flows ---------------------------------------------------------

std::uint16_t internet_sum(const std::uint8_t* p, std::size_t n, std::uint32_t s = 0) {
  for (std::size_t i = 0; i + 1 < n; i += 2) s += get16(p + i);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<std::uint16_t>(~s);
}

// Ethernet + IPv4 + TCP (no options, no payload) with valid checksums.
std::vector<std::uint8_t> tcp_frame(const std::uint8_t src[4], std::uint16_t sport,
                                    const std::uint8_t dst[4], std::uint16_t dport,
                                    std::uint8_t flags) {
  std::vector<std::uint8_t> f(54, 0);
  const std::uint8_t mac[12] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};
  std::memcpy(f.data(), mac, 12);
  put16(&f[12], 0x0800);
  std::uint8_t* ip = &f[14];
  ip[0] = 0x45, put16(ip + 2, 40), ip[8] = 64, ip[9] = 6;
  std::memcpy(ip + 12, src, 4);
  std::memcpy(ip + 16, dst, 4);
  put16(ip + 10, internet_sum(ip, 20));
  std::uint8_t* tcp = ip + 20;
  put16(tcp, sport), put16(tcp + 2, dport);
  tcp[12] = 5 << 4, tcp[13] = flags, put16(tcp + 14, 65535);
  std::uint32_t pseudo = get16(src) + get16(src + 2) + get16(dst) + get16(dst + 2) + 6 + 20;
  put16(tcp + 16, internet_sum(tcp, 20, pseudo));
  return f;
}

std::int64_t synthesize(const Options& o, pcap_dumper_t* out, Totals& totals) {
  if (o.synth_flows >= (1u << 24)) die("--synth-flows must be below 16777216");
  const std::uint8_t server[4] = {192, 0, 2, 1};
  for (std::uint64_t i = 0; i < o.synth_flows; ++i) {
    const std::uint64_t n = i + 1;  // client 10.x.y.z, unique per flow
    const std::uint8_t client[4] = {10, static_cast<std::uint8_t>(n >> 16),
                                    static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
    const auto port = static_cast<std::uint16_t>(1024 + i % 60000);
    const std::int64_t ts = kStartUs + static_cast<std::int64_t>(i) * o.synth_span_us /
                                           static_cast<std::int64_t>(o.synth_flows);
    write(out, ts, 54, tcp_frame(client, port, server, 80, 0x02), totals);
    write(out, ts, 54, tcp_frame(server, 80, client, port, 0x12), totals);
  }
  return o.synth_span_us;
}

// ---- command line ------------------------------------------------------------

void usage() {
  std::fprintf(stderr,
               "usage: mld_make_bench_capture -o OUT.pcap [--min-packets N] [--min-flows N]\n"
               "                              [--max-gap-us US] DIR...\n"
               "       mld_make_bench_capture -o OUT.pcap --synth-flows N [--synth-span-us US]\n");
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    auto number = [&] { return has_value ? std::strtoull(argv[++i], nullptr, 10) : (usage(), 0ULL); };
    if (a == "-o" && has_value) o.output = argv[++i];
    else if (a == "--min-packets") o.min_packets = number();
    else if (a == "--min-flows") o.min_flows = number();
    else if (a == "--max-gap-us") o.max_gap_us = static_cast<std::int64_t>(number());
    else if (a == "--synth-flows") o.synth_flows = number();
    else if (a == "--synth-span-us") o.synth_span_us = static_cast<std::int64_t>(number());
    else if (a.starts_with("-")) usage();
    else o.dirs.push_back(a);
  }
  if (o.output.empty() || (o.synth_flows == 0) == o.dirs.empty()) usage();
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  pcap_t* dead;
  pcap_dumper_t* out = open_output(o.output, dead);
  Totals totals;
  const std::int64_t span_us = o.synth_flows != 0 ? synthesize(o, out, totals) : replay(o, out, totals);
  if (pcap_dump_flush(out) != 0) die(o.output + ": write failed");
  pcap_dump_close(out);
  pcap_close(dead);
  std::printf("packets %llu\nflows %zu\nbytes %llu\nspan_s %.1f\n",
              static_cast<unsigned long long>(totals.packets), totals.flows.size(),
              static_cast<unsigned long long>(totals.bytes), static_cast<double>(span_us) / 1e6);
  return 0;
}
