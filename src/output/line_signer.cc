#include "output/line_signer.h"

#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/sha.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "common/hex_text.h"

namespace mld::output {
namespace {

constexpr std::string_view kMember = ",\"integrity\":{\"seq\":";
constexpr std::string_view kChainDomain = "mld-chain-v1\n";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Consumes `literal` at the front of `text`.
bool take(std::string_view& text, std::string_view literal) {
  if (text.substr(0, literal.size()) != literal) return false;
  text.remove_prefix(literal.size());
  return true;
}

}  // namespace

std::string to_hex(const std::uint8_t* bytes, std::size_t size) {
  return hex_text({bytes, size}, HexCase::lower);
}

std::string to_hex(const Mac& mac) { return to_hex(mac.data(), mac.size()); }

std::optional<Mac> mac_from_hex(std::string_view hex) {
  Mac mac{};
  if (hex.size() != 2 * mac.size()) return std::nullopt;
  for (std::size_t i = 0; i < mac.size(); ++i) {
    const int high = hex_digit(hex[2 * i]);
    const int low = hex_digit(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    mac[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return mac;
}

SigningKey SigningKey::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("signing key " + path + ": " + std::strerror(errno));
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error("signing key " + path + ": read error");
  if (secret.size() < kMinimumSize) {
    throw std::runtime_error("signing key " + path + ": " + std::to_string(secret.size()) +
                             " bytes; a key needs at least " + std::to_string(kMinimumSize) +
                             " (e.g. head -c 32 /dev/urandom > " + path + ")");
  }
  return SigningKey(std::move(secret));
}

SigningKey::SigningKey(std::string secret) : secret_(std::move(secret)) {
  // The id commits to the key without revealing it: a hash in its own domain.
  std::string material = "mld-key-id\n" + secret_;
  std::uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const std::uint8_t*>(material.data()), material.size(), digest);
  id_ = to_hex(digest, 8);
}

LineMac::LineMac(const SigningKey& key) : key_id_(key.id()) {
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  ctx_ = hmac != nullptr ? EVP_MAC_CTX_new(hmac) : nullptr;
  EVP_MAC_free(hmac);  // the context keeps its own reference
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
  const auto* secret = reinterpret_cast<const unsigned char*>(key.secret().data());
  if (ctx_ == nullptr || EVP_MAC_init(ctx_, secret, key.secret().size(), params) != 1) {
    EVP_MAC_CTX_free(ctx_);
    throw std::runtime_error("OpenSSL has no HMAC-SHA256");
  }
}

LineMac::~LineMac() { EVP_MAC_CTX_free(ctx_); }

Mac LineMac::compute(const Mac& previous, std::uint64_t seq, std::string_view message,
                     std::string_view suffix) {
  std::uint8_t seq_bytes[8];
  for (int i = 0; i < 8; ++i) seq_bytes[i] = static_cast<std::uint8_t>(seq >> (56 - 8 * i));
  // A null key restarts the MAC with the key schedule already computed.
  EVP_MAC_init(ctx_, nullptr, 0, nullptr);
  auto update = [&](const void* data, std::size_t size) {
    EVP_MAC_update(ctx_, static_cast<const unsigned char*>(data), size);
  };
  update(kChainDomain.data(), kChainDomain.size());
  update(previous.data(), previous.size());
  update(seq_bytes, sizeof seq_bytes);
  update(key_id_.data(), key_id_.size());
  update(message.data(), message.size());
  update(suffix.data(), suffix.size());
  Mac mac{};
  std::size_t length = 0;
  EVP_MAC_final(ctx_, mac.data(), &length, mac.size());
  return mac;
}

void LineSigner::append_signed(std::string_view object, TextBuffer& out) {
  const std::string_view open = object.substr(0, object.size() - 1);  // drop the '}'
  state_.mac = mac_.compute(state_.mac, ++state_.seq, open, "}");
  out.append(open);
  out.append(kMember);
  char* digits = out.reserve(24);
  out.advance(static_cast<std::size_t>(std::to_chars(digits, digits + 24, state_.seq).ptr - digits));
  out.append(",\"key_id\":\"");
  out.append(mac_.key_id());
  out.append("\",\"hmac\":\"");
  out.append(to_hex(state_.mac));
  out.append("\"}}\n");
}

std::optional<SignedLine> parse_signed_line(std::string_view line) {
  const std::size_t at = line.rfind(kMember);
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  SignedLine parsed;
  parsed.object_open = line.substr(0, at);
  std::string_view rest = line.substr(at + kMember.size());
  const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), parsed.seq);
  if (error != std::errc{} || end == rest.data()) return std::nullopt;
  rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
  if (!take(rest, ",\"key_id\":\"") || rest.size() < 16) return std::nullopt;
  parsed.key_id = rest.substr(0, 16);
  rest.remove_prefix(16);
  if (!take(rest, "\",\"hmac\":\"") || rest.size() < 64) return std::nullopt;
  const std::optional<Mac> mac = mac_from_hex(rest.substr(0, 64));
  if (!mac) return std::nullopt;
  parsed.mac = *mac;
  rest.remove_prefix(64);
  if (rest != "\"}}") return std::nullopt;
  return parsed;
}

}  // namespace mld::output
