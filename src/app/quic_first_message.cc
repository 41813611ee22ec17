#include "app/quic_first_message.h"

#include "app/gquic_chlo.h"

namespace mld::app::quic {
namespace {

constexpr std::uint8_t kClientHello = 1;     // TLS HandshakeType
constexpr std::size_t kTlsHeaderLength = 4;  // type, 24-bit length

SizeSoFar tls_size(Bytes prefix) {
  if (prefix.size() < kTlsHeaderLength) return {kTlsHeaderLength, false};
  const std::uint64_t body = (std::uint64_t{prefix[1]} << 16) | (prefix[2] << 8) | prefix[3];
  return {kTlsHeaderLength + body, true};
}

bool starts_like_hello(HandshakeFormat format, Bytes stream) {
  if (format == HandshakeFormat::tls) return stream[0] == kClientHello;
  return stream.size() < 4 || starts_with_chlo_tag(stream);
}

}  // namespace

FirstMessage first_message(HandshakeFormat format, Bytes stream, std::size_t limit) {
  if (stream.empty()) return {};
  if (!starts_like_hello(format, stream)) return {MessageState::not_a_hello, {}};
  const SizeSoFar size = format == HandshakeFormat::tls ? tls_size(stream) : chlo_size(stream);
  if (size.bytes > limit) return {MessageState::oversized, {}};
  if (!size.exact || size.bytes > stream.size()) return {};
  return {MessageState::complete, stream.first(static_cast<std::size_t>(size.bytes))};
}

}  // namespace mld::app::quic
