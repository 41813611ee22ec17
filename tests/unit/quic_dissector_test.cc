// The QUIC dissector and its parts. Expected values come from outside this
// code: RFC 9001 and RFC 9369 appendix A (Initial keys and sample packets,
// copied from the RFCs and checked with Python's `cryptography`), nDPI 4.11's
// result files (ndpi/tests/cfgs/default/result/*.out: "[QUIC ver: ...]",
// "[Hostname/SNI: ...]", "[User-Agent: ...]", "[JA3C: ...]", "[JA4: ...]")
// and tcpdump -X of the captures for the gQUIC details named below.
#include "app/quic.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app/quic_crypto_stream.h"
#include "app/quic_initial.h"
#include "app/quic_long_header.h"
#include "tools/capture_payloads.h"
#include "tools/quic_initial_builder.h"
#include "tools/shared_data.h"
#include "tools/text_file.h"

namespace mld::app {
namespace {

using flow::Direction;
using testing::ByteVector;
using testing::crypto_frame;
using testing::InitialSpec;
using testing::padded;
using testing::protected_initial;

// RFC 9001 appendix A.2: the client's Initial packet, protected (1200 bytes).
constexpr const char* kRfc9001ClientInitial =
    "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11"
    "d242b123dc9bd8bab936b47d92ec356c0bab7df5976d27cd449f63300099f399"
    "1c260ec4c60d17b31f8429157bb35a1282a643a8d2262cad67500cadb8e7378c"
    "8eb7539ec4d4905fed1bee1fc8aafba17c750e2c7ace01e6005f80fcb7df6212"
    "30c83711b39343fa028cea7f7fb5ff89eac2308249a02252155e2347b63d58c5"
    "457afd84d05dfffdb20392844ae812154682e9cf012f9021a6f0be17ddd0c208"
    "4dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5a6cf3948838a3aec"
    "4e15daf8500a6ef69ec4e3feb6b1d98e610ac8b7ec3faf6ad760b7bad1db4ba3"
    "485e8a94dc250ae3fdb41ed15fb6a8e5eba0fc3dd60bc8e30c5c4287e53805db"
    "059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c"
    "7b4378e846d29f37ed7b4ea9ec5d82e7961b7f25a9323851f681d582363aa5f8"
    "9937f5a67258bf63ad6f1a0b1d96dbd4faddfcefc5266ba6611722395c906556"
    "be52afe3f565636ad1b17d508b73d8743eeb524be22b3dcbc2c7468d54119c74"
    "68449a13d8e3b95811a198f3491de3e7fe942b330407abf82a4ed7c1b311663a"
    "c69890f4157015853d91e923037c227a33cdd5ec281ca3f79c44546b9d90ca00"
    "f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c4819e8b9c5927726632"
    "291d6a418211cc2962e20fe47feb3edf330f2c603a9d48c0fcb5699dbfe58964"
    "25c5bac4aee82e57a85aaf4e2513e4f05796b07ba2ee47d80506f8d2c25e50fd"
    "14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ff"
    "ef132eef2fa09346aee33c28eb130ff28f5b766953334113211996d20011a198"
    "e3fc433f9f2541010ae17c1bf202580f6047472fb36857fe843b19f5984009dd"
    "c324044e847a4f4a0ab34f719595de37252d6235365e9b84392b061085349d73"
    "203a4a13e96f5432ec0fd4a1ee65accdd5e3904df54c1da510b0ff20dcc0c77f"
    "cb2c0e0eb605cb0504db87632cf3d8b4dae6e705769d1de354270123cb11450e"
    "fc60ac47683d7b8d0f811365565fd98c4c8eb936bcab8d069fc33bd801b03ade"
    "a2e1fbc5aa463d08ca19896d2bf59a071b851e6c239052172f296bfb5e724047"
    "90a2181014f3b94a4e97d117b438130368cc39dbb2d198065ae3986547926cd2"
    "162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f4"
    "40591f355e12d439ff150aab7613499dbd49adabc8676eef023b15b65bfc5ca0"
    "6948109f23f350db82123535eb8a7433bdabcb909271a6ecbcb58b936a88cd4e"
    "8f2e6ff5800175f113253d8fa9ca8885c2f552e657dc603f252e1a8e308f76f0"
    "be79e2fb8f5d5fbbe2e30ecadd220723c8c0aea8078cdfcb3868263ff8f09400"
    "54da48781893a7e49ad5aff4af300cd804a6b6279ab3ff3afb64491c85194aab"
    "760d58a606654f9f4400e8b38591356fbf6425aca26dc85244259ff2b19c41b9"
    "f96f3ca9ec1dde434da7d2d392b905ddf3d1f9af93d1af5950bd493f5aa731b4"
    "056df31bd267b6b90a079831aaf579be0a39013137aac6d404f518cfd4684064"
    "7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241"
    "e221af44860018ab0856972e194cd934";

// RFC 9369 appendix A.2: the same Initial under QUIC v2 (1200 bytes).
constexpr const char* kRfc9369ClientInitial =
    "d76b3343cf088394c8f03e5157080000449ea0c95e82ffe67b6abcdb4298b485"
    "dd04de806071bf03dceebfa162e75d6c96058bdbfb127cdfcbf903388e99ad04"
    "9f9a3dd4425ae4d0992cfff18ecf0fdb5a842d09747052f17ac2053d21f57c5d"
    "250f2c4f0e0202b70785b7946e992e58a59ac52dea6774d4f03b55545243cf1a"
    "12834e3f249a78d395e0d18f4d766004f1a2674802a747eaa901c3f10cda5500"
    "cb9122faa9f1df66c392079a1b40f0de1c6054196a11cbea40afb6ef5253cd68"
    "18f6625efce3b6def6ba7e4b37a40f7732e093daa7d52190935b8da58976ff33"
    "12ae50b187c1433c0f028edcc4c2838b6a9bfc226ca4b4530e7a4ccee1bfa2a3"
    "d396ae5a3fb512384b2fdd851f784a65e03f2c4fbe11a53c7777c023462239dd"
    "6f7521a3f6c7d5dd3ec9b3f233773d4b46d23cc375eb198c63301c21801f6520"
    "bcfb7966fc49b393f0061d974a2706df8c4a9449f11d7f3d2dcbb90c6b877045"
    "636e7c0c0fe4eb0f697545460c806910d2c355f1d253bc9d2452aaa549e27a1f"
    "ac7cf4ed77f322e8fa894b6a83810a34b361901751a6f5eb65a0326e07de7c12"
    "16ccce2d0193f958bb3850a833f7ae432b65bc5a53975c155aa4bcb4f7b2c4e5"
    "4df16efaf6ddea94e2c50b4cd1dfe06017e0e9d02900cffe1935e0491d77ffb4"
    "fdf85290fdd893d577b1131a610ef6a5c32b2ee0293617a37cbb08b847741c3b"
    "8017c25ca9052ca1079d8b78aebd47876d330a30f6a8c6d61dd1ab5589329de7"
    "14d19d61370f8149748c72f132f0fc99f34d766c6938597040d8f9e2bb522ff9"
    "9c63a344d6a2ae8aa8e51b7b90a4a806105fcbca31506c446151adfeceb51b91"
    "abfe43960977c87471cf9ad4074d30e10d6a7f03c63bd5d4317f68ff325ba3bd"
    "80bf4dc8b52a0ba031758022eb025cdd770b44d6d6cf0670f4e990b22347a7db"
    "848265e3e5eb72dfe8299ad7481a408322cac55786e52f633b2fb6b614eaed18"
    "d703dd84045a274ae8bfa73379661388d6991fe39b0d93debb41700b41f90a15"
    "c4d526250235ddcd6776fc77bc97e7a417ebcb31600d01e57f32162a8560cacc"
    "7e27a096d37a1a86952ec71bd89a3e9a30a2a26162984d7740f81193e8238e61"
    "f6b5b984d4d3dfa033c1bb7e4f0037febf406d91c0dccf32acf423cfa1e70710"
    "10d3f270121b493ce85054ef58bada42310138fe081adb04e2bd901f2f13458b"
    "3d6758158197107c14ebb193230cd1157380aa79cae1374a7c1e5bbcb80ee23e"
    "06ebfde206bfb0fcbc0edc4ebec309661bdd908d532eb0c6adc38b7ca7331dce"
    "8dfce39ab71e7c32d318d136b6100671a1ae6a6600e3899f31f0eed19e3417d1"
    "34b90c9058f8632c798d4490da4987307cba922d61c39805d072b589bd52fdf1"
    "e86215c2d54e6670e07383a27bbffb5addf47d66aa85a0c6f9f32e59d85a44dd"
    "5d3b22dc2be80919b490437ae4f36a0ae55edf1d0b5cb4e9a3ecabee93dfc6e3"
    "8d209d0fa6536d27a5d6fbb17641cde27525d61093f1b28072d111b2b4ae5f89"
    "d5974ee12e5cf7d5da4d6a31123041f33e61407e76cffcdcfd7e19ba58cf4b53"
    "6f4c4938ae79324dc402894b44faf8afbab35282ab659d13c93f70412e85cb19"
    "9a37ddec600545473cfb5a05e08d0b209973b2172b4d21fb69745a262ccde96b"
    "a18b2faa745b6fe189cf772a9f84cbfc";

// RFC 9001 appendix A.2 (and RFC 9369 A.2): the frames both packets carry: a
// CRYPTO frame with a ClientHello for "example.com", then PADDING to 1162 bytes.
constexpr const char* kRfcClientInitialFrames =
    "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
    "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
    "616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
    "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
    "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
    "0d0010000e0403050306030203080408050806002d00020101001c0002400100"
    "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
    "75300901100f088394c8f03e51570806048000ffff";

// Hex digits in pairs; spaces are for the reader.
ByteVector hex(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c != ' ') digits += c;
  }
  ByteVector bytes;
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2) {
    bytes.push_back(static_cast<std::uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

template <std::size_t N>
std::string hex_of(const std::array<std::uint8_t, N>& bytes) {
  std::string text;
  char digits[3];
  for (std::uint8_t b : bytes) {
    std::snprintf(digits, sizeof digits, "%02x", b);
    text += digits;
  }
  return text;
}

ByteVector bytes_of(std::string_view text) { return ByteVector(text.begin(), text.end()); }

ByteVector concat(std::initializer_list<ByteVector> parts) {
  ByteVector out;
  for (const ByteVector& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// The RFC's 1162 bytes of frames: its CRYPTO frame and PADDING.
ByteVector rfc_frames() { return padded(hex(kRfcClientInitialFrames), 1162); }

struct Emitted {
  Direction side;
  Micros timestamp;
  QuicEvent event;
};

class Collect final : public EventOut {
 public:
  void emit(Direction side, Micros timestamp, AppEventBody body) override {
    events.push_back({side, timestamp, std::get<QuicEvent>(std::move(body))});
  }
  std::vector<Emitted> events;
};

// One flow fed datagram by datagram, as the UDP path does.
struct Session {
  AppCounters counters;
  std::unique_ptr<Dissector> dissector = make_quic_dissector(counters);
  Collect out;
  Micros clock = 0;

  void send(const ByteVector& datagram, Direction side = Direction::forward) {
    if (dissector->wants_more()) dissector->on_data(side, ++clock, datagram, out);
  }
  void end() { dissector->on_flow_end(++clock, out); }
};

// ---------------------------------------------------------------------------
// Initial keys and protection: RFC 9001 and RFC 9369 appendix A.

TEST(QuicInitial, Rfc9001ClientKeys) {
  const ByteVector dcid = hex("8394c8f03e515708");
  const auto secret = quic::client_initial_secret(*quic::traits_of(1).salt, dcid);
  ASSERT_TRUE(secret);
  EXPECT_EQ(hex_of(*secret), "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea");
  const auto keys = quic::keys_from_secret(*secret, false);
  ASSERT_TRUE(keys);
  EXPECT_EQ(hex_of(keys->key), "1f369613dd76d5467730efcbe3b1a22d");
  EXPECT_EQ(hex_of(keys->iv), "fa044b2f42a3fd3b46fb255c");
  EXPECT_EQ(hex_of(keys->hp), "9f50449e04a0e810283a1e9933adedd2");
}

TEST(QuicInitial, Rfc9369ClientKeys) {
  const auto keys = quic::client_initial_keys(quic::traits_of(0x6b3343cf), hex("8394c8f03e515708"));
  ASSERT_TRUE(keys);
  EXPECT_EQ(hex_of(keys->key), "8b1a0bc121284290a29e0971b5cd045d");
  EXPECT_EQ(hex_of(keys->iv), "91f73e2351d8fa91660e909f");
  EXPECT_EQ(hex_of(keys->hp), "45b95e15235d6f45a6b19cbcb0294ba9");
}

void expect_rfc_sample_decrypts(const char* packet_hex, std::uint32_t version) {
  const ByteVector packet = hex(packet_hex);
  ASSERT_EQ(packet.size(), 1200u);
  const auto header = quic::parse_long_header(packet);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->version, version);
  EXPECT_EQ(header->type, quic::LongType::initial);
  EXPECT_EQ(header->pn_offset, 18u);  // the RFC's own figure
  EXPECT_EQ(header->packet.size(), 1200u);
  const auto keys = quic::client_initial_keys(header->traits, header->dcid);
  ASSERT_TRUE(keys);
  std::vector<std::uint8_t> plaintext;
  ASSERT_EQ(quic::unprotect_initial(*keys, header->packet, header->pn_offset, plaintext),
            quic::Unprotect::ok);
  EXPECT_EQ(plaintext, rfc_frames());
}

TEST(QuicInitial, Rfc9001SampleClientInitialDecrypts) {
  expect_rfc_sample_decrypts(kRfc9001ClientInitial, 0x00000001);
}

TEST(QuicInitial, Rfc9369SampleClientInitialDecrypts) {
  expect_rfc_sample_decrypts(kRfc9369ClientInitial, 0x6b3343cf);
}

// The builder the hostile tests rely on reproduces both RFC packets exactly.
TEST(QuicInitial, TestBuilderRebuildsTheRfcPackets) {
  InitialSpec spec;
  spec.packet_number = 2;
  EXPECT_EQ(protected_initial(spec, rfc_frames()), hex(kRfc9001ClientInitial));
  spec.version = 0x6b3343cf;
  EXPECT_EQ(protected_initial(spec, rfc_frames()), hex(kRfc9369ClientInitial));
}

TEST(QuicInitial, AnyChangedByteFailsAuthentication) {
  const ByteVector original = hex(kRfc9001ClientInitial);
  const auto keys = quic::client_initial_keys(quic::traits_of(1), hex("8394c8f03e515708"));
  ASSERT_TRUE(keys);
  // A byte of the Length field (header: authenticated), of the ciphertext, of the tag.
  for (std::size_t at : {std::size_t{17}, std::size_t{600}, std::size_t{1199}}) {
    ByteVector packet = original;
    packet[at] ^= 0x01;
    std::vector<std::uint8_t> plaintext;
    EXPECT_EQ(quic::unprotect_initial(*keys, packet, 18, plaintext),
              quic::Unprotect::failed_authentication)
        << at;
    EXPECT_TRUE(plaintext.empty());
  }
}

TEST(QuicInitial, PacketTooShortForTheSampleOrTag) {
  const auto keys = quic::client_initial_keys(quic::traits_of(1), hex("8394c8f03e515708"));
  const ByteVector packet = hex(kRfc9001ClientInitial);
  std::vector<std::uint8_t> plaintext;
  const Bytes cut(packet.data(), 18 + 4 + 15);  // one byte short of the sample
  EXPECT_EQ(quic::unprotect_initial(*keys, cut, 18, plaintext), quic::Unprotect::too_short);
}

// ---------------------------------------------------------------------------
// The dissector on the RFC packets.

TEST(QuicDissector, Rfc9001SampleGivesOneEventWithTheHelloFields) {
  Session s;
  s.send(hex(kRfc9001ClientInitial));
  ASSERT_EQ(s.out.events.size(), 1u);
  const QuicEvent& e = s.out.events[0].event;
  EXPECT_EQ(e.version, "1");
  EXPECT_EQ(e.sni, "example.com");
  EXPECT_EQ(s.dissector->host(), "example.com");
  EXPECT_TRUE(e.ja3.has_value());
  EXPECT_EQ(e.ja4.substr(0, 4), "q13d");  // QUIC, TLS 1.3, SNI present
  EXPECT_EQ(s.out.events[0].side, Direction::forward);
  EXPECT_EQ(s.out.events[0].timestamp, 1);
  EXPECT_FALSE(s.dissector->wants_more());
  s.end();  // nothing more
  EXPECT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.counters.quic_malformed.get() + s.counters.quic_undecryptable.get(), 0u);
}

TEST(QuicDissector, Rfc9369SampleIsVersion2) {
  Session s;
  s.send(hex(kRfc9369ClientInitial));
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.out.events[0].event.version, "2");
  EXPECT_EQ(s.out.events[0].event.sni, "example.com");
}

// ---------------------------------------------------------------------------
// Real captures against nDPI 4.11.

struct Endpoint {
  std::string ip;  // canonical text (inet_ntop)
  std::uint16_t port = 0;
  auto operator<=>(const Endpoint&) const = default;
};

std::optional<std::string> canonical_ip(std::string ip) {
  if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  unsigned char raw[16];
  char text[INET6_ADDRSTRLEN];
  const int family = ip.find(':') == std::string::npos ? AF_INET : AF_INET6;
  if (inet_pton(family, ip.c_str(), raw) != 1) return std::nullopt;
  return inet_ntop(family, raw, text, sizeof text);
}

using FlowKey = std::pair<Endpoint, Endpoint>;  // lower endpoint first

FlowKey key_of(Endpoint a, Endpoint b) { return a < b ? FlowKey{a, b} : FlowKey{b, a}; }

struct CaptureResult {
  std::map<FlowKey, std::vector<Emitted>> events;
  std::unique_ptr<AppCounters> counters = std::make_unique<AppCounters>();
};

// Every UDP conversation of a capture through its own dissector.
void dissect_udp(const std::string& path, CaptureResult& result) {
  const auto packets = testing::payload_packets(path);
  std::map<int, std::unique_ptr<Dissector>> dissectors;
  std::map<int, FlowKey> keys;
  std::map<int, Collect> outs;
  std::map<int, Micros> last;
  for (const auto& p : packets) {
    if (p.protocol != 17) continue;
    auto& dissector = dissectors[p.conversation];
    if (!dissector) {
      dissector = make_quic_dissector(*result.counters);
      keys[p.conversation] =
          key_of({*canonical_ip(p.src_ip), p.src_port}, {*canonical_ip(p.dst_ip), p.dst_port});
    }
    last[p.conversation] = p.timestamp;
    if (dissector->wants_more()) {
      dissector->on_data(p.side, p.timestamp, p.payload, outs[p.conversation]);
    }
  }
  for (auto& [conversation, dissector] : dissectors) {
    dissector->on_flow_end(last[conversation], outs[conversation]);
    EXPECT_FALSE(dissector->wants_more());
    result.events[keys[conversation]] = std::move(outs[conversation].events);
  }
}

CaptureResult dissect_udp(const std::string& relative) {
  CaptureResult result;
  dissect_udp(testing::shared_data_dir() + "/" + relative, result);
  return result;
}

struct NdpiFlow {
  FlowKey key;
  std::map<std::string, std::string> fields;  // "[name: value]" of the flow line
};

std::optional<Endpoint> ndpi_endpoint(const std::string& text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  const auto ip = canonical_ip(text.substr(0, colon));
  if (!ip) return std::nullopt;  // nDPI prints a few IPv6 addresses mangled
  return Endpoint{*ip, static_cast<std::uint16_t>(std::stoi(text.substr(colon + 1)))};
}

// "\t<n>\tUDP <a> <-> <b> ..." (or "->"): the two endpoints as printed.
std::optional<std::pair<std::string, std::string>> udp_endpoints(const std::string& line) {
  const std::size_t udp = line.find("\tUDP ");
  if (line.empty() || line[0] != '\t' || udp == std::string::npos ||
      line.find_first_not_of("0123456789", 1) != udp) {
    return std::nullopt;
  }
  std::istringstream words(line.substr(udp + 5));
  std::string a, arrow, b;
  words >> a >> arrow >> b;
  if (arrow != "<->" && arrow != "->") return std::nullopt;
  return std::pair{a, b};
}

// Every "[name: value]" of a flow line.
std::map<std::string, std::string> bracket_fields(const std::string& line) {
  std::map<std::string, std::string> fields;
  for (std::size_t open = line.find('['); open != std::string::npos;
       open = line.find('[', open + 1)) {
    const std::size_t separator = line.find(": ", open);
    const std::size_t close = line.find(']', open);
    if (separator == std::string::npos || close == std::string::npos || separator > close) {
      continue;
    }
    const std::string name = line.substr(open + 1, separator - open - 1);
    if (name.find_first_of("[:") != std::string::npos) continue;
    fields.emplace(name, line.substr(separator + 2, close - separator - 2));
  }
  return fields;
}

// The UDP flow lines of an nDPI result file.
std::vector<NdpiFlow> ndpi_udp_flows(const std::string& out_path) {
  std::vector<NdpiFlow> flows;
  for (const std::string& line : testing::lines_of(testing::read_file(out_path))) {
    const auto endpoints = udp_endpoints(line);
    if (!endpoints) continue;
    const auto a = ndpi_endpoint(endpoints->first);
    const auto b = ndpi_endpoint(endpoints->second);
    if (!a || !b) continue;
    flows.push_back({key_of(*a, *b), bracket_fields(line)});
  }
  return flows;
}

std::string field(const NdpiFlow& flow, const std::string& name) {
  const auto it = flow.fields.find(name);
  return it == flow.fields.end() ? std::string() : it->second;
}

// nDPI's "[QUIC ver: ...]" names in ours.
std::string our_version_name(const std::string& ndpi) {
  static const std::map<std::string, std::string> kNames = {
      {"V-1", "1"},
      {"V-2", "2"},
      {"MVFST-22", "faceb001"},
      {"MVFST-27", "faceb002"},
      {"MVFST-EXP", "faceb00e"},
  };
  if (const auto it = kNames.find(ndpi); it != kNames.end()) return it->second;
  if (ndpi.rfind("Draft-", 0) == 0) {
    char name[9];
    std::snprintf(name, sizeof name, "ff%06x", std::stoi(ndpi.substr(6)));
    return name;
  }
  return ndpi;  // gQUIC: "Q046", "T051"
}

bool forces_negotiation(const std::string& version) {
  if (version.size() != 8) return false;
  return (std::stoul(version, nullptr, 16) & 0x0f0f0f0f) == 0x0a0a0a0a;
}

// nDPI 4.11 departs from the JA4 definition (FoxIO) in two characters of the
// first part, so those are left out of the comparison: the SNI flag is "d"
// even without an SNI (quic-33.pcapng), and the ALPN pair is not the first
// and last character of the first ALPN ("h3" gives "h0", "h3-29" gives "h3").
std::string ja4_without_ndpi_quirks(const std::string& ja4) {
  if (ja4.size() < 10) return ja4;
  return ja4.substr(0, 3) + ja4.substr(4, 4) + ja4.substr(10);
}

void expect_matches_ndpi(const NdpiFlow& ndpi, const Emitted& ours, const std::string& where) {
  const std::string version = field(ndpi, "QUIC ver");
  if (version == "Ver-Negotiation") {
    EXPECT_TRUE(forces_negotiation(ours.event.version)) << where << ours.event.version;
  } else {
    EXPECT_EQ(ours.event.version, our_version_name(version)) << where;
  }
  EXPECT_EQ(ours.event.sni, field(ndpi, "Hostname/SNI")) << where;
  EXPECT_EQ(ours.event.ua, field(ndpi, "User-Agent")) << where;
  EXPECT_EQ(ours.event.ja3 ? ours.event.ja3->hash : "", field(ndpi, "JA3C")) << where;
  EXPECT_EQ(ja4_without_ndpi_quirks(ours.event.ja4), ja4_without_ndpi_quirks(field(ndpi, "JA4")))
      << where << ours.event.ja4;
}

// Every capture nDPI's results call QUIC (44 files, 238 flows: IETF v1, v2,
// drafts 23-34, mvfst, gQUIC Q024-Q050, T050, T051, DNS over QUIC, ...): each
// of its QUIC flows gets one event with nDPI's version, SNI, user agent, JA3
// and JA4; no other UDP flow gets one.
TEST(QuicDissector, EveryQuicFlowOfNdpiResultsMatches) {
  MLD_REQUIRE_SHARED_DATA();
  const std::string results = "ndpi/tests/cfgs/default/result";
  int captures = 0;
  int compared = 0;
  for (const std::string& out_path : testing::files_under(results, {".out"})) {
    if (testing::read_file(out_path).find("[QUIC ver: ") == std::string::npos) continue;
    std::string name = out_path.substr(out_path.rfind('/') + 1);
    name.resize(name.size() - 4);
    // Its one packet sets the long header bit with the plaintext version Q024:
    // not a packet any gQUIC client sends (QuicDissector.FuzzedHeaderIsMalformed).
    if (name == "quic-fuzz-overflow.pcapng") continue;
    CaptureResult ours;
    dissect_udp(testing::shared_data_dir() + "/ndpi/tests/cfgs/default/pcap/" + name, ours);
    ++captures;
    std::size_t our_events = 0;
    for (const auto& [key, events] : ours.events) our_events += events.size();
    int compared_here = 0;
    for (const NdpiFlow& ndpi : ndpi_udp_flows(out_path)) {
      const auto it = ours.events.find(ndpi.key);
      const std::size_t events = it == ours.events.end() ? 0 : it->second.size();
      const std::string where = name + " " + ndpi.key.first.ip + " " + ndpi.key.second.ip + ": ";
      if (field(ndpi, "QUIC ver").empty()) {
        EXPECT_EQ(events, 0u) << where;
        continue;
      }
      ASSERT_EQ(events, 1u) << where;
      expect_matches_ndpi(ndpi, it->second[0], where);
      ++compared_here;
    }
    EXPECT_EQ(our_events, static_cast<std::size_t>(compared_here)) << name;
    compared += compared_here;
  }
  EXPECT_EQ(captures, 43);
  EXPECT_EQ(compared, 237);
}

const Emitted& only_event(const CaptureResult& result) {
  std::vector<const Emitted*> all;
  for (const auto& [key, events] : result.events) {
    for (const Emitted& e : events) all.push_back(&e);
  }
  if (all.size() != 1) throw std::runtime_error("not one event: " + std::to_string(all.size()));
  return *all[0];
}

constexpr const char* kPcaps = "ndpi/tests/cfgs/default/pcap/";

TEST(QuicDissector, Version2Capture) {
  MLD_REQUIRE_SHARED_DATA();
  const CaptureResult r = dissect_udp(std::string(kPcaps) + "quic-v2.pcapng");
  const QuicEvent& e = only_event(r).event;
  EXPECT_EQ(e.version, "2");
  EXPECT_EQ(e.sni, "test");
  ASSERT_TRUE(e.ja3);
  EXPECT_EQ(e.ja3->hash, "5e685944fc983af5eabcc813add3dca1");
}

// The ClientHello spans two Initial packets (two datagrams): the event comes
// with the second.
TEST(QuicDissector, HelloInTwoPackets) {
  MLD_REQUIRE_SHARED_DATA();
  const std::string path =
      testing::shared_data_dir() + "/" + kPcaps + "quic_frags_ch_in_multiple_packets.pcapng";
  const auto packets = testing::payload_packets(path);
  Session s;
  for (const auto& p : packets) {
    if (s.dissector->wants_more()) s.dissector->on_data(p.side, p.timestamp, p.payload, s.out);
  }
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.out.events[0].timestamp, packets[1].timestamp);
  EXPECT_EQ(s.out.events[0].event.version, "1");
  EXPECT_EQ(s.out.events[0].event.sni, "");  // this client sends none
  ASSERT_TRUE(s.out.events[0].event.ja3);
  EXPECT_EQ(s.out.events[0].event.ja3->hash, "0299b052ace53a14c3a04aceb5efd247");
}

// The client's second Initial is sent to the server's connection ID but still
// protected with the keys of the first one's (RFC 9001 section 5.2).
TEST(QuicDissector, LaterInitialUnderAnotherDestinationIdKeepsTheFirstKeys) {
  MLD_REQUIRE_SHARED_DATA();
  const CaptureResult r = dissect_udp(std::string(kPcaps) + "quic_frags_different_dcid.pcapng");
  EXPECT_EQ(only_event(r).event.sni, "cdnjs.cloudflare.com");
  EXPECT_EQ(r.counters->quic_undecryptable.get(), 0u);
}

// Chrome shuffles its CRYPTO frames (with PING and PADDING between them)
// inside one packet.
TEST(QuicDissector, CryptoFramesOutOfOrderInOnePacket) {
  MLD_REQUIRE_SHARED_DATA();
  const CaptureResult r =
      dissect_udp(std::string(kPcaps) + "quic_frags_ch_out_of_order_same_packet_craziness.pcapng");
  const auto& events = r.events.at(key_of({"52.187.20.175", 49880}, {"208.229.157.81", 443}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.version, "ff00001d");
  EXPECT_EQ(events[0].event.sni, "update.googleapis.com");
  EXPECT_EQ(events[0].event.ua, "dev Chrome/92.0.4503.5 Windows NT 10.0; Win64; x64");
  EXPECT_EQ(r.counters->quic_malformed.get(), 0u);
}

// Q046 (tcpdump -X): c3 "Q046" 50, an 8-byte connection ID, packet number
// 00000001, a 12-byte hash, then STREAM frame a0 01 0400 holding "CHLO".
TEST(QuicDissector, GquicQ046PlaintextChlo) {
  MLD_REQUIRE_SHARED_DATA();
  const QuicEvent e = only_event(dissect_udp(std::string(kPcaps) + "quic046.pcap")).event;
  EXPECT_EQ(e.version, "Q046");
  EXPECT_EQ(e.sni, "i.ytimg.com");
  EXPECT_EQ(e.ua, "Chrome/80.0.3987.132 Windows NT 6.3; Win64; x64");
  EXPECT_FALSE(e.ja3);
  EXPECT_EQ(e.ja4, "");
}

// The capture starts at the client's second CHLO: STREAM frame a4 01 0400 0400
// is stream 1 at offset 1024 (tcpdump -X); the first CHLO was not captured.
TEST(QuicDissector, GquicChloAtALaterStreamOffset) {
  MLD_REQUIRE_SHARED_DATA();
  const QuicEvent e = only_event(dissect_udp(std::string(kPcaps) + "quic_q46.pcap")).event;
  EXPECT_EQ(e.sni, "play.google.com");
  EXPECT_EQ(e.ua, "Chrome/74.0.3729.157 Android 8.0.0; BND-L21");
}

// Q024: public flags 0d, connection ID, "Q024", packet number 01, hash, the
// private flags byte, then STREAM frame a0 01 0004 (length little-endian).
TEST(QuicDissector, GquicQ024PublicHeader) {
  MLD_REQUIRE_SHARED_DATA();
  const CaptureResult r = dissect_udp(std::string(kPcaps) + "quic.pcap");
  const auto& events = r.events.at(key_of({"192.168.1.109", 57833}, {"216.58.212.101", 443}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.version, "Q024");
  EXPECT_EQ(events[0].event.sni, "mail.google.com");
  EXPECT_EQ(events[0].event.ua, "beta Chrome/43.0.2357.45");
}

// Q050 protects its Initial like IETF QUIC (its own salt) and carries a CHLO
// in gQUIC CRYPTO frames (type 08).
TEST(QuicDissector, GquicQ050ProtectedChlo) {
  MLD_REQUIRE_SHARED_DATA();
  const QuicEvent e = only_event(dissect_udp(std::string(kPcaps) + "gquic.pcap")).event;
  EXPECT_EQ(e.version, "Q050");
  EXPECT_EQ(e.sni, "www.gstatic.com");
  EXPECT_EQ(e.ua, "canary Chrome/85.0.4169.0 Windows NT 10.0; Win64; x64");
}

// nDPI names this capture for the Initial it cannot decrypt either.
TEST(QuicDissector, UndecryptableInitialIsCountedAndReportedWithItsVersion) {
  MLD_REQUIRE_SHARED_DATA();
  const CaptureResult r = dissect_udp(std::string(kPcaps) + "quic-mvfst-22_decryption_error.pcap");
  const QuicEvent& e = only_event(r).event;
  EXPECT_EQ(e.version, "faceb001");
  EXPECT_EQ(e.sni, "");
  EXPECT_FALSE(e.ja3);
  EXPECT_EQ(r.counters->quic_undecryptable.get(), 1u);
}

// A client probing with version 0x?a?a?a?a, then retrying in v1 after the
// server's Version Negotiation: the event names the version that was read.
TEST(QuicDissector, VersionNegotiationThenVersion1) {
  MLD_REQUIRE_SHARED_DATA();
  const QuicEvent e =
      only_event(dissect_udp(std::string(kPcaps) + "quic-forcing-vn-with-data.pcapng")).event;
  EXPECT_EQ(e.version, "1");
  ASSERT_TRUE(e.ja3);
  EXPECT_EQ(e.ja3->hash, "86871fd0d48de0c82beec154cd3f1744");
}

TEST(QuicDissector, FuzzedHeaderIsMalformed) {
  MLD_REQUIRE_SHARED_DATA();
  const CaptureResult r = dissect_udp(std::string(kPcaps) + "quic-fuzz-overflow.pcapng");
  for (const auto& [key, events] : r.events) EXPECT_TRUE(events.empty());
  EXPECT_EQ(r.counters->quic_malformed.get(), 1u);
}

// Short header packets only: nothing to read, no event, and the dissector
// stops after quic::kMaxDatagrams datagrams.
TEST(QuicDissector, ShortHeaderOnlyFlowsGiveNoEvent) {
  MLD_REQUIRE_SHARED_DATA();
  const CaptureResult r = dissect_udp(std::string(kPcaps) + "quic_sh.pcap");
  for (const auto& [key, events] : r.events) EXPECT_TRUE(events.empty());
  EXPECT_EQ(r.counters->quic_malformed.get(), 0u);
}

// ---------------------------------------------------------------------------
// Built packets: the protection is valid, the content hostile.

ByteVector rfc_hello() {  // the RFC's ClientHello handshake message (245 bytes)
  const ByteVector frame = hex(kRfcClientInitialFrames);
  return ByteVector(frame.begin() + 4, frame.end());
}

ByteVector initial(const ByteVector& frames, std::uint32_t packet_number = 0) {
  InitialSpec spec;
  spec.packet_number = packet_number;
  return protected_initial(spec, padded(frames, 1162));
}

TEST(QuicDissector, HelloSplitAcrossPacketsInReverseOrder) {
  const ByteVector hello = rfc_hello();
  const ByteVector head(hello.begin(), hello.begin() + 100);
  const ByteVector tail(hello.begin() + 100, hello.end());
  Session s;
  s.send(initial(crypto_frame(100, tail), 1));
  EXPECT_TRUE(s.out.events.empty());
  EXPECT_TRUE(s.dissector->wants_more());
  s.send(initial(crypto_frame(0, head), 0));
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.out.events[0].event.sni, "example.com");
  EXPECT_EQ(s.out.events[0].timestamp, 2);
}

TEST(QuicDissector, OverlappingAndRepeatedCryptoFramesKeepTheFirstCopy) {
  const ByteVector hello = rfc_hello();
  ByteVector bogus(hello.begin(), hello.begin() + 150);
  std::fill(bogus.begin() + 60, bogus.end(), 'x');  // conflicts with the true bytes after 60
  const ByteVector frames = concat({crypto_frame(0, ByteVector(hello.begin(), hello.begin() + 60)),
                                    crypto_frame(0, ByteVector(hello.begin(), hello.begin() + 60)),
                                    crypto_frame(60, ByteVector(hello.begin() + 60, hello.end())),
                                    crypto_frame(0, bogus)});
  Session s;
  s.send(initial(frames));
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.out.events[0].event.sni, "example.com");
}

// Two Initial packets and a Handshake packet coalesced in one datagram, the
// hello split between the two Initials, then bytes of a short header packet.
TEST(QuicDissector, CoalescedPackets) {
  const ByteVector hello = rfc_hello();
  InitialSpec spec;
  const ByteVector first = protected_initial(
      spec, padded(crypto_frame(0, ByteVector(hello.begin(), hello.begin() + 80)), 100));
  spec.packet_number = 1;
  const ByteVector second = protected_initial(
      spec, padded(crypto_frame(80, ByteVector(hello.begin() + 80, hello.end())), 300));
  // Handshake (type 2): first byte e0, Length 20, then 20 bytes it cannot read.
  ByteVector handshake =
      concat({hex("e000000001088394c8f03e51570800"), {0x14}, ByteVector(20, 0xab)});
  Session s;
  s.send(concat({first, handshake, second, hex("4000112233")}));
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.out.events[0].event.sni, "example.com");
  EXPECT_EQ(s.counters.quic_malformed.get(), 0u);
}

TEST(QuicDissector, AckPingAndConnectionCloseFramesAreSteppedOver) {
  const ByteVector frames = concat({
      hex("01"),                       // PING
      hex("02 05 00 01 00 02 03"),     // ACK: largest 5, 1 range + gap/len
      hex("03 01 00 00 00 07 08 09"),  // ACK_ECN with its three counts
      crypto_frame(0, rfc_hello()),
      hex("1c 00 06 03 616263"),  // CONNECTION_CLOSE, reason "abc"
  });
  Session s;
  s.send(initial(frames));
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.out.events[0].event.sni, "example.com");
  EXPECT_EQ(s.counters.quic_malformed.get(), 0u);
}

TEST(QuicDissector, FramesNotAllowedInInitialPacketsAreMalformed) {
  Session s;
  s.send(initial(concat({hex("10 40ff"), crypto_frame(0, rfc_hello())})));  // MAX_DATA
  EXPECT_EQ(s.counters.quic_malformed.get(), 1u);
  EXPECT_TRUE(s.out.events.empty());
  s.end();  // reported with what is known
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.out.events[0].event.version, "1");
  EXPECT_EQ(s.out.events[0].event.sni, "");
}

TEST(QuicDissector, GiantLengthsAndCountsEndAtThePacket) {
  struct Case {
    ByteVector frames;
    std::uint64_t malformed;
  };
  const std::vector<Case> cases = {
      {hex("06 00 ffffffffffffffff"), 1},             // CRYPTO length 2^62 - 1
      {hex("06 ffffffffffffffff 05 0102030405"), 0},  // CRYPTO offset 2^62 - 1: dropped
      {hex("02 00 00 ffffffffffffffff 00"), 1},       // ACK with 2^62 - 1 ranges
      {hex("1c 00 00 ffffffffffffffff"), 1},          // CONNECTION_CLOSE reason length
  };
  for (const Case& c : cases) {
    Session s;
    s.send(initial(c.frames));  // PADDING follows: too few bytes for any of these claims
    EXPECT_EQ(s.counters.quic_malformed.get(), c.malformed);
    EXPECT_TRUE(s.out.events.empty());
    s.end();
    EXPECT_EQ(s.out.events.size(), 1u);
  }
}

TEST(QuicDissector, CryptoDataBeyondTheBufferIsDropped) {
  Session s;
  const ByteVector far(2000, 0x41);
  s.send(initial(crypto_frame(quic::CryptoStream::kMaxBytes - 100, far)));
  s.send(initial(crypto_frame(std::uint64_t{1} << 40, far), 1));
  EXPECT_TRUE(s.out.events.empty());
  EXPECT_TRUE(s.dissector->wants_more());
  EXPECT_EQ(s.counters.quic_malformed.get(), 0u);
}

TEST(QuicDissector, HelloLongerThanTheBufferIsOversized) {
  Session s;
  s.send(initial(crypto_frame(0, hex("01ffffff0303"))));  // ClientHello of 16 MiB
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.counters.tls_oversized.get(), 1u);
  EXPECT_FALSE(s.dissector->wants_more());
}

TEST(QuicDissector, StreamThatDoesNotStartWithAClientHello) {
  Session s;
  s.send(initial(crypto_frame(0, hex("02000004 03030000"))));  // a ServerHello
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.counters.quic_malformed.get(), 1u);
  EXPECT_EQ(s.out.events[0].event.sni, "");
}

// The TLS parser rejects the hello (its last extension, quic_transport_parameters
// 0039 of 0x32 bytes, claims one byte more): the event keeps the SNI, read
// before the fault, but has no fingerprints.
TEST(QuicDissector, BrokenClientHelloGivesPartialEvent) {
  ByteVector hello = rfc_hello();
  const ByteVector last_extension = hex("00390032");
  const auto at =
      std::search(hello.begin(), hello.end(), last_extension.begin(), last_extension.end());
  ASSERT_NE(at, hello.end());
  at[3] = 0x33;
  Session s;
  s.send(initial(crypto_frame(0, hello)));
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.counters.tls_malformed.get(), 1u);
  EXPECT_EQ(s.out.events[0].event.sni, "example.com");
  EXPECT_FALSE(s.out.events[0].event.ja3);
  EXPECT_EQ(s.out.events[0].event.ja4, "");
}

TEST(QuicDissector, EveryTruncationOfAnInitialIsMalformedNotACrash) {
  const ByteVector packet = hex(kRfc9001ClientInitial);
  for (std::size_t size = 1; size < packet.size(); ++size) {
    Session s;
    s.send(ByteVector(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(size)));
    s.end();
    EXPECT_TRUE(s.out.events.empty()) << size;
    // Five bytes or more are a long header (its version known) to count.
    EXPECT_EQ(s.counters.quic_malformed.get(), size >= 5 ? 1u : 0u) << size;
  }
}

TEST(QuicDissector, ChangedByteIsUndecryptableAndTheFlowReportsItsVersion) {
  ByteVector packet = hex(kRfc9001ClientInitial);
  packet[700] ^= 0x80;
  Session s;
  s.send(packet);
  EXPECT_EQ(s.counters.quic_undecryptable.get(), 1u);
  s.end();
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.out.events[0].event.version, "1");
  EXPECT_EQ(s.out.events[0].event.sni, "");
}

TEST(QuicDissector, OverLongConnectionIdIsMalformed) {
  ByteVector packet = hex("c000000001 15");  // DCID length 21
  packet.resize(1200, 0);
  Session s;
  s.send(packet);
  EXPECT_EQ(s.counters.quic_malformed.get(), 1u);
}

// After the client's first Initial, Initial packets from the other side are
// the server's (other keys): they are not read, nor counted undecryptable.
TEST(QuicDissector, ServerInitialsAreNotRead) {
  const ByteVector hello = rfc_hello();
  Session s;
  s.send(initial(crypto_frame(0, ByteVector(hello.begin(), hello.begin() + 50))));
  s.send(hex(kRfc9369ClientInitial), Direction::backward);
  InitialSpec spec;
  spec.dcid = hex("f067a5502a4262b5");
  s.send(protected_initial(spec, padded(hex("0600"), 100)), Direction::backward);
  EXPECT_EQ(s.counters.quic_undecryptable.get(), 0u);
  EXPECT_TRUE(s.out.events.empty());
}

// A server's Initial to a client that chose an empty connection ID has an
// empty destination ID: it does not make its sender the client.
TEST(QuicDissector, EmptyDestinationIdDoesNotClaimTheClientSide) {
  InitialSpec server;
  server.dcid = {};
  server.key_dcid = hex("0102030405060708");
  Session s;
  s.send(protected_initial(server, padded(hex("0600"), 100)), Direction::backward);
  s.send(hex(kRfc9001ClientInitial), Direction::forward);
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.out.events[0].event.sni, "example.com");
}

TEST(QuicDissector, GivesUpAfterMaxDatagramsWithWhatItKnows) {
  Session s;
  const ByteVector hello = rfc_hello();
  s.send(initial(crypto_frame(0, ByteVector(hello.begin(), hello.begin() + 10))));
  for (int i = 1; i < quic::kMaxDatagrams; ++i) s.send(hex("4001020304050607"));
  EXPECT_FALSE(s.dissector->wants_more());
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.out.events[0].event.version, "1");
}

TEST(QuicDissector, EmptyAndTinyDatagrams) {
  Session s;
  s.send({});
  s.send({0x80});
  s.send({0xc0, 0x00});
  s.send({0x09});
  s.end();
  EXPECT_TRUE(s.out.events.empty());
  EXPECT_EQ(s.counters.quic_malformed.get(), 0u);
}

TEST(QuicDissector, ForcingNegotiationVersionNeedsAPaddedDatagram) {
  ByteVector probe = hex("c01a2a3a4a08 0102030405060708 00");
  Session small;
  small.send(probe);
  small.end();
  EXPECT_TRUE(small.out.events.empty());
  probe.resize(1200, 0);
  Session padded_probe;
  padded_probe.send(probe);
  padded_probe.end();
  ASSERT_EQ(padded_probe.out.events.size(), 1u);
  EXPECT_EQ(padded_probe.out.events[0].event.version, "1a2a3a4a");
}

// ---------------------------------------------------------------------------
// gQUIC built by hand: public header Q043 (flags 09: version, 8-byte ID,
// 1-byte packet number), 12-byte hash, STREAM frame a0 01 LLLL (big-endian).

ByteVector chlo(const std::vector<std::pair<std::string, std::string>>& tags) {
  ByteVector table;
  ByteVector values;
  for (const auto& [tag, value] : tags) {
    table.insert(table.end(), tag.begin(), tag.end());
    values.insert(values.end(), value.begin(), value.end());
    const auto end = static_cast<std::uint32_t>(values.size());
    for (int i = 0; i < 4; ++i) table.push_back(static_cast<std::uint8_t>(end >> (8 * i)));
  }
  const auto count = static_cast<std::uint16_t>(tags.size());
  return concat({bytes_of("CHLO"),
                 {static_cast<std::uint8_t>(count), static_cast<std::uint8_t>(count >> 8), 0, 0},
                 table,
                 values});
}

ByteVector q043_packet(const ByteVector& stream_data) {
  const auto length = static_cast<std::uint16_t>(stream_data.size());
  return concat(
      {hex("09 0102030405060708 51303433 01"),
       ByteVector(12, 0xee),
       {0xa0, 0x01, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)},
       stream_data});
}

TEST(QuicDissector, GquicChloTagsAreKeptAsRawBytes) {
  const std::string sni = "\xff\xfe.example";  // not UTF-8: kept as sent
  Session s;
  s.send(q043_packet(chlo({{std::string("SNI\0", 4), sni}, {"UAID", "agent/1"}})));
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.out.events[0].event.version, "Q043");
  EXPECT_EQ(s.out.events[0].event.sni, sni);
  EXPECT_EQ(s.out.events[0].event.ua, "agent/1");
}

// The second half comes first, in a STREAM frame with a 2-byte offset (a4 01 OOOO LLLL).
TEST(QuicDissector, GquicChloInTwoPackets) {
  const ByteVector message = chlo({{std::string("SNI\0", 4), "split.example"}, {"UAID", "ua"}});
  const ByteVector head(message.begin(), message.begin() + 20);
  const ByteVector tail(message.begin() + 20, message.end());
  ByteVector second = q043_packet(head);
  second.resize(second.size() - head.size() - 4);  // keep the header, rewrite the frame
  const auto tail_length = static_cast<std::uint8_t>(tail.size());
  second = concat({second, {0xa4, 0x01, 0x00, 20, 0x00, tail_length}, tail});
  Session s;
  s.send(second);
  EXPECT_TRUE(s.out.events.empty());
  s.send(q043_packet(head));
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.out.events[0].event.sni, "split.example");
  EXPECT_EQ(s.out.events[0].event.ua, "ua");
}

TEST(QuicDissector, GquicChloWithBackwardsOffsetsIsMalformed) {
  ByteVector message = chlo({{std::string("SNI\0", 4), "a.example"}, {"UAID", "agent"}});
  message[8 + 8 + 4] = 2;  // UAID ends before SNI does
  Session s;
  s.send(q043_packet(message));
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.counters.quic_malformed.get(), 1u);
  EXPECT_EQ(s.out.events[0].event.sni, "a.example");  // read before the fault
  EXPECT_EQ(s.out.events[0].event.ua, "");
}

TEST(QuicDissector, GquicChloWithAHugeTagTableIsOversized) {
  Session s;
  s.send(q043_packet(concat({bytes_of("CHLO"), hex("ffff0000")})));  // 65535 entries
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.counters.tls_oversized.get(), 1u);
}

TEST(QuicDissector, GquicTruncatedHeaderAndStreamFrame) {
  const ByteVector packet = q043_packet(chlo({{std::string("SNI\0", 4), "a.example"}}));
  Session header;
  header.send(ByteVector(packet.begin(), packet.begin() + 20));  // inside the hash
  EXPECT_EQ(header.counters.quic_malformed.get(), 1u);
  Session frame;
  frame.send(ByteVector(packet.begin(), packet.end() - 1));  // STREAM data one byte short
  EXPECT_EQ(frame.counters.quic_malformed.get(), 1u);
  EXPECT_TRUE(frame.out.events.empty());
}

// ---------------------------------------------------------------------------
// The crypto stream on its own.

TEST(QuicCryptoStream, HolesOverlapsAndTheLimit) {
  quic::CryptoStream stream;
  const ByteVector abc = bytes_of("abcdef");
  stream.add(3, Bytes(abc).subspan(3));
  EXPECT_TRUE(stream.contiguous().empty());
  stream.add(0, Bytes(abc).first(4));
  EXPECT_EQ(ByteVector(stream.contiguous().begin(), stream.contiguous().end()), abc);
  stream.add(0, bytes_of("XYZXYZXY"));  // first copy wins, the two new bytes join
  EXPECT_EQ(ByteVector(stream.contiguous().begin(), stream.contiguous().end()),
            bytes_of("abcdefXY"));
  stream.add(quic::CryptoStream::kMaxBytes - 1, bytes_of("12"));  // one byte kept
  stream.add(~std::uint64_t{0} - 1, bytes_of("12"));
  EXPECT_EQ(stream.contiguous().size(), 8u);
  stream.clear();
  EXPECT_TRUE(stream.empty());
}

}  // namespace
}  // namespace mld::app
