#include "app/quic_version.h"

#include <cstdio>

namespace mld::app::quic {
namespace {

// Initial salts. IETF: RFC 9001 section 5.2 (also drafts 33-34), RFC 9369
// section 3.3.1, and the drafts that introduced the older ones (22, 23, 29).
// Google's T050, T051 and Q050 salts are those of Chromium's QUIC library.
constexpr Salt kSaltDraft22 = {0x7f, 0xbc, 0xdb, 0x0e, 0x7c, 0x66, 0xbb, 0xe9, 0x19, 0x3a,
                               0x96, 0xcd, 0x21, 0x51, 0x9e, 0xbd, 0x7a, 0x02, 0x64, 0x4a};
constexpr Salt kSaltDraft23 = {0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7,
                               0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02};
constexpr Salt kSaltDraft29 = {0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
                               0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99};
constexpr Salt kSaltV1 = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
                          0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
constexpr Salt kSaltV2 = {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
                          0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9};
constexpr Salt kSaltQ050 = {0x50, 0x45, 0x74, 0xef, 0xd0, 0x66, 0xfe, 0x2f, 0x9d, 0x94,
                            0x5c, 0xfc, 0xdb, 0xd3, 0xa7, 0xf0, 0xd3, 0xb5, 0x6b, 0x45};
constexpr Salt kSaltT050 = {0x7f, 0xf5, 0x79, 0xe5, 0xac, 0xd0, 0x72, 0x91, 0x55, 0x80,
                            0x30, 0x4c, 0x43, 0xa2, 0x36, 0x7c, 0x60, 0x48, 0x83, 0x10};
constexpr Salt kSaltT051 = {0x7a, 0x4e, 0xde, 0xf4, 0xe7, 0xcc, 0xee, 0x5f, 0xa4, 0x50,
                            0x6c, 0x19, 0x12, 0x4f, 0xc8, 0xcc, 0xda, 0x6e, 0x03, 0x3d};

constexpr std::uint32_t kVersion1 = 0x00000001;
constexpr std::uint32_t kVersion2 = 0x6b3343cf;
constexpr std::uint32_t kDraftPrefix = 0xff000000;
constexpr std::uint32_t kMvfstDraft22 = 0xfaceb001;
constexpr std::uint32_t kMvfstDraft27 = 0xfaceb002;
constexpr std::uint32_t kMvfstExperimental = 0xfaceb00e;

// gQUIC versions are four ASCII characters: 'Q' or 'T' and three digits.
constexpr std::uint32_t gquic(char kind, int number) {
  return (static_cast<std::uint32_t>(kind) << 24) |
         (static_cast<std::uint32_t>('0' + number / 100) << 16) |
         (static_cast<std::uint32_t>('0' + number / 10 % 10) << 8) |
         static_cast<std::uint32_t>('0' + number % 10);
}

// The number of a gQUIC version ('Q' or 'T' + three digits), or -1.
int gquic_number(std::uint32_t version, char kind) {
  if ((version >> 24) != static_cast<std::uint32_t>(kind)) return -1;
  int number = 0;
  for (int shift = 16; shift >= 0; shift -= 8) {
    const int digit = static_cast<int>((version >> shift) & 0xff) - '0';
    if (digit < 0 || digit > 9) return -1;
    number = number * 10 + digit;
  }
  return number;
}

VersionTraits protected_with(Family family, const Salt& salt, bool v2_labels = false) {
  return VersionTraits{family, &salt, v2_labels};
}

const Salt& draft_salt(std::uint32_t draft) {
  if (draft <= 22) return kSaltDraft22;
  if (draft <= 28) return kSaltDraft23;
  if (draft <= 32) return kSaltDraft29;
  return kSaltV1;
}

}  // namespace

VersionTraits traits_of(std::uint32_t version) {
  if (version == kVersion1) return protected_with(Family::ietf, kSaltV1);
  if (version == kVersion2) return protected_with(Family::ietf, kSaltV2, true);
  if ((version & 0xffffff00) == kDraftPrefix && (version & 0xff) >= 22 && (version & 0xff) <= 34) {
    return protected_with(Family::ietf, draft_salt(version & 0xff));
  }
  if (version == kMvfstDraft22) return protected_with(Family::ietf, kSaltDraft22);
  if (version == kMvfstDraft27 || version == kMvfstExperimental) {
    return protected_with(Family::ietf, kSaltDraft23);
  }
  if (version == gquic('T', 50)) return protected_with(Family::gquic_tls, kSaltT050);
  if (version == gquic('T', 51)) return protected_with(Family::gquic_tls, kSaltT051);
  if (version == gquic('Q', 50)) return protected_with(Family::gquic_chlo, kSaltQ050);
  if (version == gquic('Q', 46)) return VersionTraits{Family::gquic_q046};
  const int q = gquic_number(version, 'Q');
  if (q >= 24 && q <= 43) return VersionTraits{Family::gquic_legacy};
  if ((version & 0x0f0f0f0f) == 0x0a0a0a0a) return VersionTraits{Family::forcing_negotiation};
  return VersionTraits{};
}

bool is_protected(Family family) {
  return family == Family::ietf || family == Family::gquic_tls || family == Family::gquic_chlo;
}

std::string version_name(std::uint32_t version) {
  if (version == kVersion1) return "1";
  if (version == kVersion2) return "2";
  if (gquic_number(version, 'Q') >= 0 || gquic_number(version, 'T') >= 0) {
    return std::string{static_cast<char>(version >> 24), static_cast<char>(version >> 16),
                       static_cast<char>(version >> 8), static_cast<char>(version)};
  }
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(version));
  return hex;
}

LongType long_type(const VersionTraits& traits, std::uint8_t first_byte) {
  const unsigned bits = (first_byte >> 4) & 0x3u;
  // RFC 9369 section 3.2: v2 numbers the types one higher (Retry wraps to 0).
  return static_cast<LongType>(traits.v2_labels ? (bits + 3) & 0x3u : bits);
}

}  // namespace mld::app::quic
