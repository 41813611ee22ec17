#include "app/quic_initial.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <memory>
#include <span>
#include <string_view>

namespace mld::app::quic {
namespace {

constexpr std::size_t kSampleLength = 16;
constexpr std::size_t kTagLength = 16;
constexpr std::size_t kMaxPacketNumberLength = 4;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;
using KdfContext = std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)>;

CipherContext new_cipher_context() { return {EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free}; }

// Fetched once: fetching looks the algorithm up in OpenSSL's provider store
// under a lock, which every Initial packet of every flow would otherwise pay.
EVP_KDF* hkdf_algorithm() {
  static EVP_KDF* const algorithm = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  return algorithm;
}

// HKDF-SHA256 in one `mode` (extract only or expand only). `key` is the IKM
// when extracting and the PRK when expanding.
bool hkdf(int mode, Bytes key, Bytes salt, Bytes info, std::span<std::uint8_t> out) {
  if (hkdf_algorithm() == nullptr || key.empty()) return false;
  const KdfContext context(EVP_KDF_CTX_new(hkdf_algorithm()), &EVP_KDF_CTX_free);
  if (!context) return false;
  char digest[] = "SHA256";
  // OpenSSL takes parameters through non-const pointers but only reads them.
  auto octets = [](const char* name, Bytes bytes) {
    return OSSL_PARAM_construct_octet_string(name, const_cast<std::uint8_t*>(bytes.data()),
                                             bytes.size());
  };
  OSSL_PARAM params[6];
  std::size_t n = 0;
  params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  params[n++] = octets(OSSL_KDF_PARAM_KEY, key);
  if (!salt.empty()) params[n++] = octets(OSSL_KDF_PARAM_SALT, salt);
  if (!info.empty()) params[n++] = octets(OSSL_KDF_PARAM_INFO, info);
  params[n] = OSSL_PARAM_construct_end();
  return EVP_KDF_derive(context.get(), out.data(), out.size(), params) == 1;
}

// RFC 8446 section 7.1 HKDF-Expand-Label with an empty context.
bool expand_label(Bytes secret, std::string_view label, std::span<std::uint8_t> out) {
  constexpr std::string_view kPrefix = "tls13 ";
  std::array<std::uint8_t, 2 + 1 + 32 + 1> info{};  // the longest here: "tls13 quicv2 key"
  const std::size_t label_length = kPrefix.size() + label.size();
  if (label_length > 32 || out.size() > 255) return false;
  std::size_t n = 0;
  info[n++] = 0;
  info[n++] = static_cast<std::uint8_t>(out.size());
  info[n++] = static_cast<std::uint8_t>(label_length);
  for (char c : kPrefix) info[n++] = static_cast<std::uint8_t>(c);
  for (char c : label) info[n++] = static_cast<std::uint8_t>(c);
  info[n++] = 0;  // context length
  return hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, secret, {}, Bytes(info.data(), n), out);
}

// The header protection mask: AES-128-ECB of the sample (RFC 9001 section
// 5.4.3); its first 5 bytes are used.
bool header_mask(const InitialKeys& keys, Bytes sample, std::array<std::uint8_t, 16>& mask) {
  const CipherContext context = new_cipher_context();
  if (!context) return false;
  EVP_CIPHER_CTX* c = context.get();
  int length = 0;
  return EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), nullptr, keys.hp.data(), nullptr) == 1 &&
         EVP_CIPHER_CTX_set_padding(c, 0) == 1 &&
         EVP_EncryptUpdate(c, mask.data(), &length, sample.data(),
                           static_cast<int>(sample.size())) == 1 &&
         length == static_cast<int>(mask.size());
}

// The header exactly as authenticated: protected first byte bits and packet
// number replaced by their clear values.
struct ClearHeader {
  std::uint8_t first_byte = 0;
  Bytes middle;  // version to the end of the Length field, unchanged
  std::array<std::uint8_t, kMaxPacketNumberLength> packet_number_bytes{};
  std::size_t packet_number_length = 0;
  std::uint64_t packet_number = 0;
};

ClearHeader remove_header_protection(Bytes packet, std::size_t pn_offset,
                                     const std::array<std::uint8_t, 16>& mask) {
  ClearHeader header;
  header.first_byte = packet[0] ^ (mask[0] & 0x0f);  // long header: 4 protected bits
  header.middle = packet.subspan(1, pn_offset - 1);
  header.packet_number_length = (header.first_byte & 0x03u) + 1;
  for (std::size_t i = 0; i < header.packet_number_length; ++i) {
    header.packet_number_bytes[i] = packet[pn_offset + i] ^ mask[1 + i];
    header.packet_number = (header.packet_number << 8) | header.packet_number_bytes[i];
  }
  return header;
}

// RFC 9001 section 5.3: the nonce is the IV xor the packet number, left-padded.
// The truncated packet number is the full one here: a client's Initial packet
// numbers start at 0 and stay far below the range their encoding covers.
std::array<std::uint8_t, 12> nonce_for(const InitialKeys& keys, std::uint64_t packet_number) {
  std::array<std::uint8_t, 12> nonce = keys.iv;
  for (std::size_t i = 0; i < 8; ++i) {
    nonce[nonce.size() - 1 - i] ^= static_cast<std::uint8_t>(packet_number >> (8 * i));
  }
  return nonce;
}

bool aead_open(const InitialKeys& keys, const ClearHeader& header, Bytes ciphertext, Bytes tag,
               std::vector<std::uint8_t>& plaintext) {
  const CipherContext context = new_cipher_context();
  if (!context) return false;
  EVP_CIPHER_CTX* c = context.get();
  const std::array<std::uint8_t, 12> nonce = nonce_for(keys, header.packet_number);
  plaintext.resize(ciphertext.size());
  int length = 0;
  // The associated data (the clear header) goes in three pieces, all before the
  // ciphertext, which GCM allows; no copy of the header is needed.
  return EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), nullptr, keys.key.data(), nonce.data()) == 1 &&
         EVP_DecryptUpdate(c, nullptr, &length, &header.first_byte, 1) == 1 &&
         EVP_DecryptUpdate(c, nullptr, &length, header.middle.data(),
                           static_cast<int>(header.middle.size())) == 1 &&
         EVP_DecryptUpdate(c, nullptr, &length, header.packet_number_bytes.data(),
                           static_cast<int>(header.packet_number_length)) == 1 &&
         EVP_DecryptUpdate(c, plaintext.data(), &length, ciphertext.data(),
                           static_cast<int>(ciphertext.size())) == 1 &&
         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()),
                             const_cast<std::uint8_t*>(tag.data())) == 1 &&
         EVP_DecryptFinal_ex(c, plaintext.data() + length, &length) == 1;
}

}  // namespace

std::optional<Secret> client_initial_secret(const Salt& salt, Bytes dcid) {
  Secret initial{};
  Secret client{};
  if (!hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, dcid, salt, {}, initial) ||
      !expand_label(initial, "client in", client)) {
    return std::nullopt;
  }
  return client;
}

std::optional<InitialKeys> keys_from_secret(const Secret& secret, bool v2_labels) {
  struct Labels {
    std::string_view key, iv, hp;
  };
  constexpr Labels kV1{"quic key", "quic iv", "quic hp"};
  constexpr Labels kV2{"quicv2 key", "quicv2 iv", "quicv2 hp"};  // RFC 9369 section 3.3.2
  const Labels& labels = v2_labels ? kV2 : kV1;
  InitialKeys keys;
  if (!expand_label(secret, labels.key, keys.key) || !expand_label(secret, labels.iv, keys.iv) ||
      !expand_label(secret, labels.hp, keys.hp)) {
    return std::nullopt;
  }
  return keys;
}

std::optional<InitialKeys> client_initial_keys(const VersionTraits& traits, Bytes dcid) {
  if (traits.salt == nullptr) return std::nullopt;
  const std::optional<Secret> secret = client_initial_secret(*traits.salt, dcid);
  if (!secret) return std::nullopt;
  return keys_from_secret(*secret, traits.v2_labels);
}

Unprotect unprotect_initial(const InitialKeys& keys, Bytes packet, std::size_t pn_offset,
                            std::vector<std::uint8_t>& plaintext) {
  // The sample starts 4 bytes after the packet number's start, whatever its length.
  const std::size_t sample_offset = pn_offset + kMaxPacketNumberLength;
  if (pn_offset == 0 || sample_offset + kSampleLength > packet.size()) return Unprotect::too_short;
  std::array<std::uint8_t, 16> mask{};
  if (!header_mask(keys, packet.subspan(sample_offset, kSampleLength), mask)) {
    return Unprotect::failed_authentication;
  }
  const ClearHeader header = remove_header_protection(packet, pn_offset, mask);
  const std::size_t payload_offset = pn_offset + header.packet_number_length;
  if (payload_offset + kTagLength >= packet.size()) return Unprotect::too_short;
  const Bytes ciphertext =
      packet.subspan(payload_offset, packet.size() - payload_offset - kTagLength);
  const Bytes tag = packet.last(kTagLength);
  if (!aead_open(keys, header, ciphertext, tag, plaintext)) {
    plaintext.clear();
    return Unprotect::failed_authentication;
  }
  return Unprotect::ok;
}

}  // namespace mld::app::quic
