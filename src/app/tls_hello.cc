#include "app/tls_hello.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <iterator>
#include <utility>

#include "app/hex_digest.h"

namespace mld::app::tls {
namespace {

// Extension types (IANA "TLS ExtensionType Values").
constexpr std::uint16_t kServerName = 0x0000;
constexpr std::uint16_t kSupportedGroups = 0x000a;
constexpr std::uint16_t kEcPointFormats = 0x000b;
constexpr std::uint16_t kSignatureAlgorithms = 0x000d;
constexpr std::uint16_t kAlpn = 0x0010;
constexpr std::uint16_t kSupportedVersions = 0x002b;
constexpr std::uint16_t kQuicTransportParameters = 0x0039;
constexpr std::uint16_t kQuicTransportParametersDraft = 0xffa5;

constexpr std::uint8_t kHostNameType = 0;
constexpr std::uint64_t kGoogleUserAgentParameter = 0x3129;
constexpr std::size_t kRandomLength = 32;

// Bounds-checked reads over one handshake message. Every read either
// succeeds whole or leaves the cursor where it was and returns false.
class Cursor {
 public:
  explicit Cursor(Bytes bytes) : bytes_(bytes) {}

  bool empty() const { return pos_ == bytes_.size(); }
  std::size_t remaining() const { return bytes_.size() - pos_; }

  bool u8(std::uint8_t& value) {
    if (remaining() < 1) return false;
    value = bytes_[pos_++];
    return true;
  }

  bool u16(std::uint16_t& value) {
    if (remaining() < 2) return false;
    value = static_cast<std::uint16_t>((bytes_[pos_] << 8) | bytes_[pos_ + 1]);
    pos_ += 2;
    return true;
  }

  bool take(std::size_t n, Bytes& out) {
    if (remaining() < n) return false;
    out = bytes_.subspan(pos_, n);
    pos_ += n;
    return true;
  }

  bool skip(std::size_t n) {
    Bytes ignored;
    return take(n, ignored);
  }

  // A vector with a one- or two-byte length prefix (RFC 8446 section 3.4).
  bool vector8(Bytes& out) {
    std::uint8_t length = 0;
    return u8(length) && take(length, out);
  }
  bool vector16(Bytes& out) {
    std::uint16_t length = 0;
    return u16(length) && take(length, out);
  }

  // A QUIC variable-length integer (RFC 9000 section 16).
  bool varint(std::uint64_t& value) {
    if (remaining() < 1) return false;
    const std::size_t length = std::size_t{1} << (bytes_[pos_] >> 6);
    if (remaining() < length) return false;
    value = bytes_[pos_] & 0x3f;
    for (std::size_t i = 1; i < length; ++i) value = (value << 8) | bytes_[pos_ + i];
    pos_ += length;
    return true;
  }

 private:
  Bytes bytes_;
  std::size_t pos_ = 0;
};

std::string text_of(Bytes bytes) { return std::string(bytes.begin(), bytes.end()); }

// A whole extension body that is a list of 16-bit values.
bool read_u16_list(Cursor list, std::vector<std::uint16_t>& out) {
  out.clear();
  if (list.remaining() % 2 != 0) return false;
  std::uint16_t value = 0;
  while (list.u16(value)) out.push_back(value);
  return true;
}

bool parse_u16_vector16(Bytes data, std::vector<std::uint16_t>& out) {
  Cursor ext(data);
  Bytes list;
  return ext.vector16(list) && ext.empty() && read_u16_list(Cursor(list), out);
}

bool parse_u16_vector8(Bytes data, std::vector<std::uint16_t>& out) {
  Cursor ext(data);
  Bytes list;
  return ext.vector8(list) && ext.empty() && read_u16_list(Cursor(list), out);
}

bool parse_point_formats(Bytes data, std::vector<std::uint8_t>& out) {
  Cursor ext(data);
  Bytes list;
  if (!ext.vector8(list)) return false;
  out.assign(list.begin(), list.end());
  return ext.empty();
}

// RFC 6066 section 3: the first host_name entry; other name types are skipped.
bool parse_server_name(Bytes data, std::string& sni) {
  Cursor ext(data);
  Bytes list;
  if (!ext.vector16(list) || !ext.empty()) return false;
  Cursor entries(list);
  while (!entries.empty()) {
    std::uint8_t type = 0;
    Bytes name;
    if (!entries.u8(type) || !entries.vector16(name)) return false;
    if (type == kHostNameType && sni.empty()) sni = text_of(name);
  }
  return true;
}

// RFC 7301 section 3.1: a list of non-empty protocol names.
bool parse_alpn(Bytes data, std::vector<std::string>& alpns) {
  alpns.clear();
  Cursor ext(data);
  Bytes list;
  if (!ext.vector16(list) || !ext.empty()) return false;
  Cursor names(list);
  while (!names.empty()) {
    Bytes name;
    if (!names.vector8(name)) return false;
    alpns.push_back(text_of(name));
  }
  return true;
}

// Transport parameters are (id, length, value) triples: QUIC varints since
// draft 27, 16-bit fields with a 16-bit total length before that. Both sit
// under the draft codepoint, and the version is not known here; the old form
// is recognised by its total length, which a client's first varint parameter
// (never original_destination_connection_id, id 0) cannot imitate.
bool is_legacy_transport_parameters(std::uint16_t type, Bytes data) {
  Cursor params(data);
  std::uint16_t total_length = 0;
  return type == kQuicTransportParametersDraft && params.u16(total_length) &&
         total_length == params.remaining();
}

bool read_transport_parameter(Cursor& params, bool legacy, std::uint64_t& id, Bytes& value) {
  if (legacy) {
    std::uint16_t id16 = 0;
    if (!params.u16(id16) || !params.vector16(value)) return false;
    id = id16;
    return true;
  }
  std::uint64_t length = 0;
  return params.varint(id) && params.varint(length) && length <= params.remaining() &&
         params.take(static_cast<std::size_t>(length), value);
}

bool parse_transport_parameters(std::uint16_t type, Bytes data, std::string& user_agent) {
  const bool legacy = is_legacy_transport_parameters(type, data);
  Cursor params(legacy ? data.subspan(2) : data);
  while (!params.empty()) {
    std::uint64_t id = 0;
    Bytes value;
    if (!read_transport_parameter(params, legacy, id, value)) return false;
    if (id == kGoogleUserAgentParameter) user_agent = text_of(value);
  }
  return true;
}

bool parse_client_extension(std::uint16_t type, Bytes data, ClientHello& hello) {
  switch (type) {
    case kServerName:
      return parse_server_name(data, hello.sni);
    case kSupportedGroups:
      return parse_u16_vector16(data, hello.supported_groups);
    case kEcPointFormats:
      return parse_point_formats(data, hello.ec_point_formats);
    case kSignatureAlgorithms:
      return parse_u16_vector16(data, hello.signature_algorithms);
    case kAlpn:
      return parse_alpn(data, hello.alpns);
    case kSupportedVersions:
      return parse_u16_vector8(data, hello.supported_versions);
    case kQuicTransportParameters:
    case kQuicTransportParametersDraft:
      return parse_transport_parameters(type, data, hello.quic_user_agent);
    default:
      return true;
  }
}

bool parse_server_extension(std::uint16_t type, Bytes data, ServerHello& hello) {
  if (type == kAlpn) return parse_alpn(data, hello.alpns);
  if (type != kSupportedVersions) return true;
  Cursor ext(data);
  std::uint16_t version = 0;
  if (!ext.u16(version) || !ext.empty()) return false;
  hello.selected_version = version;
  return true;
}

// Walks the extensions block, recording every type in `types`. A malformed
// extension body does not stop the walk (its framing is intact, so later
// extensions still count for the fingerprints); a broken frame does. A block
// cut short (a truncated message) is walked as far as it goes.
template <typename ParseOne>
bool parse_extensions(Cursor& message, std::vector<std::uint16_t>& types, ParseOne parse_one) {
  if (message.empty()) return true;  // extensions are optional before TLS 1.3
  std::uint16_t declared = 0;
  Bytes block;
  if (!message.u16(declared)) return false;
  bool well_formed = declared <= message.remaining();
  message.take(std::min<std::size_t>(declared, message.remaining()), block);
  Cursor extensions(block);
  while (!extensions.empty()) {
    std::uint16_t type = 0;
    Bytes data;
    if (!extensions.u16(type) || !extensions.vector16(data)) return false;
    types.push_back(type);
    well_formed = parse_one(type, data) && well_formed;
  }
  return well_formed && message.empty();
}

bool is_grease(std::uint16_t value) {
  return (value & 0x0f0f) == 0x0a0a && (value >> 12) == ((value >> 4) & 0x0f);
}

template <typename T>
std::string decimal_list(const std::vector<T>& values) {
  std::string text;
  for (const T value : values) {
    if (is_grease(value)) continue;
    if (!text.empty()) text += '-';
    text += std::to_string(value);
  }
  return text;
}

Fingerprint md5_fingerprint(std::string text) {
  return Fingerprint{hex_digest(DigestAlgorithm::md5, text), std::move(text)};
}

void append_hex4(std::string& text, std::uint16_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int shift = 12; shift >= 0; shift -= 4) text += kDigits[(value >> shift) & 0x0f];
}

// JA4 parts b and c: "000000000000" stands for an empty list (FoxIO spec).
std::string ja4_hash(const std::string& list) {
  return list.empty() ? "000000000000" : hex_digest(DigestAlgorithm::sha256, list).substr(0, 12);
}

std::vector<std::uint16_t> without_grease(const std::vector<std::uint16_t>& values) {
  std::vector<std::uint16_t> kept;
  std::copy_if(values.begin(), values.end(), std::back_inserter(kept),
               [](std::uint16_t value) { return !is_grease(value); });
  return kept;
}

std::string hex_list(const std::vector<std::uint16_t>& values) {
  std::string text;
  for (const std::uint16_t value : values) {
    if (!text.empty()) text += ',';
    append_hex4(text, value);
  }
  return text;
}

std::string ja4_version(const ClientHello& hello) {
  const auto versions = without_grease(hello.supported_versions);
  const std::uint16_t version =
      versions.empty() ? hello.legacy_version : *std::max_element(versions.begin(), versions.end());
  switch (version) {
    case 0x0304:
      return "13";
    case 0x0303:
      return "12";
    case 0x0302:
      return "11";
    case 0x0301:
      return "10";
    case 0x0300:
      return "s3";
    case 0x0002:
      return "s2";
    case 0xfeff:
      return "d1";
    case 0xfefd:
      return "d2";
    case 0xfefc:
      return "d3";
    default:
      return "00";
  }
}

std::string two_digit_count(std::size_t count) {
  const std::size_t capped = std::min<std::size_t>(count, 99);
  return std::string{static_cast<char>('0' + capped / 10), static_cast<char>('0' + capped % 10)};
}

bool is_alphanumeric(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// First and last character of the first ALPN; of its hex form when either
// byte is not alphanumeric.
std::string ja4_alpn(const std::vector<std::string>& alpns) {
  if (alpns.empty() || alpns.front().empty()) return "00";
  const auto first = static_cast<unsigned char>(alpns.front().front());
  const auto last = static_cast<unsigned char>(alpns.front().back());
  if (is_alphanumeric(first) && is_alphanumeric(last)) {
    return std::string{static_cast<char>(first), static_cast<char>(last)};
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  return std::string{kDigits[first >> 4], kDigits[last & 0x0f]};
}

bool contains(const std::vector<std::uint16_t>& values, std::uint16_t wanted) {
  return std::find(values.begin(), values.end(), wanted) != values.end();
}

}  // namespace

bool parse_client_hello(Bytes body, ClientHello& hello) {
  Cursor message(body);
  Bytes session_id, ciphers, compression;
  if (!message.u16(hello.legacy_version) || !message.skip(kRandomLength)) return false;
  if (!message.vector8(session_id) || !message.vector16(ciphers)) return false;
  if (!read_u16_list(Cursor(ciphers), hello.cipher_suites)) return false;
  if (!message.vector8(compression)) return false;
  return parse_extensions(message, hello.extensions, [&](std::uint16_t type, Bytes data) {
    return parse_client_extension(type, data, hello);
  });
}

bool parse_server_hello(Bytes body, ServerHello& hello) {
  Cursor message(body);
  Bytes session_id;
  std::uint8_t compression = 0;
  if (!message.u16(hello.legacy_version) || !message.skip(kRandomLength)) return false;
  if (!message.vector8(session_id) || !message.u16(hello.cipher_suite)) return false;
  if (!message.u8(compression)) return false;
  return parse_extensions(message, hello.extensions, [&](std::uint16_t type, Bytes data) {
    return parse_server_extension(type, data, hello);
  });
}

Fingerprint ja3_of(const ClientHello& hello) {
  return md5_fingerprint(std::to_string(hello.legacy_version) + ',' +
                         decimal_list(hello.cipher_suites) + ',' + decimal_list(hello.extensions) +
                         ',' + decimal_list(hello.supported_groups) + ',' +
                         decimal_list(hello.ec_point_formats));
}

Fingerprint ja3s_of(const ServerHello& hello) {
  return md5_fingerprint(std::to_string(hello.legacy_version) + ',' +
                         std::to_string(hello.cipher_suite) + ',' + decimal_list(hello.extensions));
}

std::string ja4_of(const ClientHello& hello, char transport) {
  auto ciphers = without_grease(hello.cipher_suites);
  const auto extensions = without_grease(hello.extensions);
  std::vector<std::uint16_t> hashed_extensions;
  std::copy_if(extensions.begin(), extensions.end(), std::back_inserter(hashed_extensions),
               [](std::uint16_t type) { return type != kServerName && type != kAlpn; });
  std::sort(ciphers.begin(), ciphers.end());
  std::sort(hashed_extensions.begin(), hashed_extensions.end());

  std::string extension_text = hex_list(hashed_extensions);
  const auto signatures = without_grease(hello.signature_algorithms);
  if (!extension_text.empty() && !signatures.empty()) {
    extension_text += '_' + hex_list(signatures);
  }
  return std::string{transport} + ja4_version(hello) +
         (contains(extensions, kServerName) ? 'd' : 'i') + two_digit_count(ciphers.size()) +
         two_digit_count(extensions.size()) + ja4_alpn(hello.alpns) + '_' +
         ja4_hash(hex_list(ciphers)) + '_' + ja4_hash(extension_text);
}

std::string version_name(std::uint16_t version) {
  switch (version) {
    case 0x0000:
      return "UNDETERMINED";
    case 0x0002:
      return "SSLv2";
    case 0x0300:
      return "SSLv3";
    case 0x0301:
      return "TLSv1";  // sic: Suricata's SSLVersionToString
    case 0x0302:
      return "TLS 1.1";
    case 0x0303:
      return "TLS 1.2";
    case 0x0304:
      return "TLS 1.3";
    default:
      break;
  }
  const unsigned draft = version & 0xff;
  char text[24];
  if (version >= 0x7f01 && version < 0x7f10) return "TLS 1.3 draft-<16";
  if (version >= 0x7f10 && version <= 0x7f1c) {
    std::snprintf(text, sizeof text, "TLS 1.3 draft-%u", draft);
  } else if (version == 0xfb14 || version == 0xfb15 || version == 0xfb16 || version == 0xfb17 ||
             version == 0xfb1a) {
    std::snprintf(text, sizeof text, "TLS 1.3 draft-%u-fb", draft);
  } else {
    std::snprintf(text, sizeof text, "0x%04x", version);
  }
  return text;
}

}  // namespace mld::app::tls
