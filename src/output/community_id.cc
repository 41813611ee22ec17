#include "output/community_id.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstddef>

#include <tuple>

#include "decode/packet_view.h"

namespace mld::output {
namespace {

// ICMP types that have a counterpart (echo, timestamp, info, router, mask and
// the ICMPv6 equivalents) map the pair onto "ports"; all others are one-way.
bool icmp_counterpart(std::uint8_t protocol, int type, int& counterpart) {
  static constexpr int kIcmp4[][2] = {{8, 0}, {13, 14}, {15, 16}, {10, 9}, {17, 18}};
  static constexpr int kIcmp6[][2] = {{128, 129}, {130, 131}, {133, 134},
                                      {135, 136}, {139, 140}, {144, 145}};
  auto search = [&](const auto& pairs) {
    for (const auto& pair : pairs) {
      if (pair[0] == type) return counterpart = pair[1], true;
      if (pair[1] == type) return counterpart = pair[0], true;
    }
    return false;
  };
  return protocol == decode::kProtoIcmp ? search(kIcmp4) : search(kIcmp6);
}

// SHA1() looks the algorithm up in OpenSSL 3's provider registry on every
// call, which costs more than the hash of 40 bytes itself: fetch it once, and
// keep one digest context per thread.
void sha1(const std::uint8_t* data, std::size_t size, unsigned char* digest) {
  static EVP_MD* const algorithm = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Context context;
  unsigned int length = 0;
  EVP_DigestInit_ex2(context.ctx, algorithm, nullptr);
  EVP_DigestUpdate(context.ctx, data, size);
  EVP_DigestFinal_ex(context.ctx, digest, &length);
}

}  // namespace

std::string community_id_v1(const CommunityIdInput& flow, std::uint16_t seed) {
  const bool v4 = flow.ip_version == decode::IpVersion::v4;
  const std::size_t address_size = v4 ? 4 : 16;
  const std::uint8_t* src = v4 ? flow.src_ip.v4_bytes() : flow.src_ip.bytes.data();
  const std::uint8_t* dst = v4 ? flow.dst_ip.v4_bytes() : flow.dst_ip.bytes.data();
  const bool icmp = flow.protocol == decode::kProtoIcmp || flow.protocol == decode::kProtoIcmpv6;
  const bool has_ports = icmp || flow.protocol == decode::kProtoTcp ||
                         flow.protocol == decode::kProtoUdp ||
                         flow.protocol == decode::kProtoSctp;

  int sport = flow.src_port, dport = flow.dst_port;
  bool one_way = false;
  if (icmp) {
    sport = flow.icmp_type;
    int counterpart = 0;
    one_way = !icmp_counterpart(flow.protocol, flow.icmp_type, counterpart);
    dport = one_way ? flow.icmp_code : counterpart;
  }
  const bool swap = !one_way && std::tie(flow.dst_ip, dport) < std::tie(flow.src_ip, sport);
  if (swap) {
    std::swap(src, dst);
    std::swap(sport, dport);
  }

  std::uint8_t buffer[2 + 16 + 16 + 2 + 4];
  std::size_t n = 0;
  buffer[n++] = static_cast<std::uint8_t>(seed >> 8);
  buffer[n++] = static_cast<std::uint8_t>(seed);
  for (std::size_t i = 0; i < address_size; ++i) buffer[n++] = src[i];
  for (std::size_t i = 0; i < address_size; ++i) buffer[n++] = dst[i];
  buffer[n++] = flow.protocol;
  buffer[n++] = 0;
  if (has_ports) {
    for (int port : {sport, dport}) {
      buffer[n++] = static_cast<std::uint8_t>(port >> 8);
      buffer[n++] = static_cast<std::uint8_t>(port);
    }
  }

  unsigned char digest[SHA_DIGEST_LENGTH];
  sha1(buffer, n, digest);
  char base64[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64), digest, SHA_DIGEST_LENGTH);
  return std::string("1:") + base64;
}

}  // namespace mld::output
