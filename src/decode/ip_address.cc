#include "decode/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace mld::decode {
namespace {

std::size_t format_v4(const std::uint8_t* bytes, char* out) {
  char* p = out;
  for (int i = 0; i < 4; ++i) {
    const unsigned octet = bytes[i];
    if (octet >= 100) *p++ = static_cast<char>('0' + octet / 100);
    if (octet >= 10) *p++ = static_cast<char>('0' + octet / 10 % 10);
    *p++ = static_cast<char>('0' + octet % 10);
    if (i < 3) *p++ = '.';
  }
  return static_cast<std::size_t>(p - out);
}

}  // namespace

std::size_t IpAddress::format(IpVersion version, char* out) const {
  if (version == IpVersion::v4) return format_v4(v4_bytes(), out);
  // glibc's inet_ntop writes RFC 5952 form (lower case, longest zero run as "::").
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
  const std::size_t length = std::strlen(text);
  std::memcpy(out, text, length);
  return length;
}

std::string IpAddress::to_string(IpVersion version) const {
  char text[kMaxTextLength];
  return std::string(text, format(version, text));
}

}  // namespace mld::decode
