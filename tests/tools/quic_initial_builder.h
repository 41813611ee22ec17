#pragma once
// Builds QUIC client Initial packets protected as RFC 9001 section 5 says
// (RFC 9369 for v2), so tests and the fuzz target can put any frames, hostile
// ones included, behind valid protection. The builder is checked against the
// RFC's own sample packets (quic_dissector_test.cc: it rebuilds RFC 9001
// appendix A.2 and RFC 9369 appendix A.2 byte for byte). Keys come from
// app/quic_initial.h, itself checked against the RFCs' appendix A.1.
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "app/quic_initial.h"
#include "app/quic_version.h"

namespace mld::testing {

using ByteVector = std::vector<std::uint8_t>;

struct InitialSpec {
  std::uint32_t version = 0x00000001;
  ByteVector dcid = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};
  ByteVector key_dcid;  // the ID the keys come from when not `dcid` (a client's later packets)
  ByteVector scid;
  ByteVector token;
  std::uint32_t packet_number = 0;  // always sent in 4 bytes
};

// RFC 9000 section 16, in the shortest encoding.
inline void append_varint(ByteVector& out, std::uint64_t value) {
  const std::size_t width = value < 0x40 ? 1 : value < 0x4000 ? 2 : value < 0x40000000 ? 4 : 8;
  const std::uint8_t length_bits = width == 1 ? 0x00 : width == 2 ? 0x40 : width == 4 ? 0x80 : 0xc0;
  for (std::size_t i = 0; i < width; ++i) {
    auto byte = static_cast<std::uint8_t>(value >> (8 * (width - 1 - i)));
    if (i == 0) byte = static_cast<std::uint8_t>(byte | length_bits);
    out.push_back(byte);
  }
}

inline ByteVector crypto_frame(std::uint64_t offset, const ByteVector& data) {
  ByteVector frame = {0x06};
  append_varint(frame, offset);
  append_varint(frame, data.size());
  frame.insert(frame.end(), data.begin(), data.end());
  return frame;
}

// `frames` followed by PADDING up to `size` bytes.
inline ByteVector padded(ByteVector frames, std::size_t size) {
  if (frames.size() < size) frames.resize(size, 0x00);
  return frames;
}

inline ByteVector initial_header(const InitialSpec& spec, std::size_t payload_size) {
  const bool v2 = app::quic::traits_of(spec.version).v2_labels;
  ByteVector header = {static_cast<std::uint8_t>(v2 ? 0xd3 : 0xc3)};  // Initial, 4-byte number
  for (int shift = 24; shift >= 0; shift -= 8) {
    header.push_back(static_cast<std::uint8_t>(spec.version >> shift));
  }
  header.push_back(static_cast<std::uint8_t>(spec.dcid.size()));
  header.insert(header.end(), spec.dcid.begin(), spec.dcid.end());
  header.push_back(static_cast<std::uint8_t>(spec.scid.size()));
  header.insert(header.end(), spec.scid.begin(), spec.scid.end());
  append_varint(header, spec.token.size());
  header.insert(header.end(), spec.token.begin(), spec.token.end());
  append_varint(header, 4 + payload_size + 16);
  for (int shift = 24; shift >= 0; shift -= 8) {
    header.push_back(static_cast<std::uint8_t>(spec.packet_number >> shift));
  }
  return header;
}

inline ByteVector aes_gcm_seal(const app::quic::InitialKeys& keys, std::uint32_t packet_number,
                               const ByteVector& header, const ByteVector& plaintext) {
  std::array<std::uint8_t, 12> nonce = keys.iv;
  for (int i = 0; i < 4; ++i) nonce[11 - i] ^= static_cast<std::uint8_t>(packet_number >> (8 * i));
  const std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> context(
      EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  ByteVector sealed(plaintext.size() + 16);
  int length = 0;
  int unused = 0;
  if (EVP_EncryptInit_ex(context.get(), EVP_aes_128_gcm(), nullptr, keys.key.data(),
                         nonce.data()) != 1 ||
      EVP_EncryptUpdate(context.get(), nullptr, &unused, header.data(),
                        static_cast<int>(header.size())) != 1 ||
      EVP_EncryptUpdate(context.get(), sealed.data(), &length, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), sealed.data() + length, &unused) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, 16,
                          sealed.data() + plaintext.size()) != 1) {
    throw std::runtime_error("AES-128-GCM failed");
  }
  return sealed;
}

inline std::array<std::uint8_t, 16> header_mask(const app::quic::InitialKeys& keys,
                                                const std::uint8_t* sample) {
  const std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> context(
      EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::array<std::uint8_t, 16> mask{};
  int length = 0;
  if (EVP_EncryptInit_ex(context.get(), EVP_aes_128_ecb(), nullptr, keys.hp.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(context.get(), 0) != 1 ||
      EVP_EncryptUpdate(context.get(), mask.data(), &length, sample, 16) != 1) {
    throw std::runtime_error("AES-128-ECB failed");
  }
  return mask;
}

// One protected client Initial packet carrying `frames` (at least 16 bytes,
// which the header protection sample needs).
inline ByteVector protected_initial(const InitialSpec& spec, const ByteVector& frames) {
  const ByteVector& key_dcid = spec.key_dcid.empty() ? spec.dcid : spec.key_dcid;
  const auto keys = app::quic::client_initial_keys(app::quic::traits_of(spec.version), key_dcid);
  if (!keys) throw std::runtime_error("no Initial keys for this version");
  ByteVector packet = initial_header(spec, frames.size());
  const std::size_t pn_offset = packet.size() - 4;
  const ByteVector sealed = aes_gcm_seal(*keys, spec.packet_number, packet, frames);
  packet.insert(packet.end(), sealed.begin(), sealed.end());
  const std::array<std::uint8_t, 16> mask = header_mask(*keys, packet.data() + pn_offset + 4);
  packet[0] ^= mask[0] & 0x0f;
  for (std::size_t i = 0; i < 4; ++i) packet[pn_offset + i] ^= mask[1 + i];
  return packet;
}

}  // namespace mld::testing
