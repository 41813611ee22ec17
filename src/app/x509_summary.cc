#include "app/x509_summary.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>

namespace mld::app::tls {
namespace {

struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct OpenSslFree {
  void operator()(unsigned char* bytes) const { OPENSSL_free(bytes); }
};

// Hex pairs: joined by `separator` when it is not '\0'.
std::string hex_text(const unsigned char* bytes, std::size_t length, const char* digits,
                     char separator) {
  std::string text;
  for (std::size_t i = 0; i < length; ++i) {
    if (i > 0 && separator != '\0') text += separator;
    text += digits[bytes[i] >> 4];
    text += digits[bytes[i] & 0x0f];
  }
  return text;
}

constexpr char kUpperDigits[] = "0123456789ABCDEF";
constexpr char kLowerDigits[] = "0123456789abcdef";

// Suricata's abbreviations; other attributes by OpenSSL's short name, or the
// dotted OID when OpenSSL has none.
std::string attribute_name(const ASN1_OBJECT* object) {
  const int nid = OBJ_obj2nid(object);
  switch (nid) {
    case NID_commonName:
      return "CN";
    case NID_countryName:
      return "C";
    case NID_localityName:
      return "L";
    case NID_stateOrProvinceName:
      return "ST";
    case NID_organizationName:
      return "O";
    case NID_organizationalUnitName:
      return "OU";
    case NID_domainComponent:
      return "DC";
    case NID_pkcs9_emailAddress:
      return "Email";
    default:
      break;
  }
  const char* short_name = nid == NID_undef ? nullptr : OBJ_nid2sn(nid);
  if (short_name != nullptr) return short_name;
  char dotted[128];
  const int length = OBJ_obj2txt(dotted, sizeof dotted, object, 1);
  return length > 0 ? std::string(dotted) : std::string("UNKNOWN");
}

// Byte strings stay raw (they may be invalid UTF-8: the writers escape);
// UCS-2/UCS-4 strings become UTF-8; values of other types are uppercase hex.
std::string attribute_value(const ASN1_STRING* value) {
  const unsigned char* bytes = ASN1_STRING_get0_data(value);
  const auto length = static_cast<std::size_t>(ASN1_STRING_length(value));
  switch (ASN1_STRING_type(value)) {
    case V_ASN1_UTF8STRING:
    case V_ASN1_PRINTABLESTRING:
    case V_ASN1_IA5STRING:
    case V_ASN1_NUMERICSTRING:
    case V_ASN1_VISIBLESTRING:
    case V_ASN1_T61STRING:
    case V_ASN1_VIDEOTEXSTRING:
    case V_ASN1_GRAPHICSTRING:
    case V_ASN1_GENERALSTRING:
      return std::string(reinterpret_cast<const char*>(bytes), length);
    case V_ASN1_BMPSTRING:
    case V_ASN1_UNIVERSALSTRING: {
      unsigned char* utf8 = nullptr;
      const int utf8_length = ASN1_STRING_to_UTF8(&utf8, value);
      const std::unique_ptr<unsigned char, OpenSslFree> owner(utf8);
      if (utf8_length >= 0) return std::string(reinterpret_cast<const char*>(utf8), utf8_length);
      break;
    }
    default:
      break;
  }
  return hex_text(bytes, length, kUpperDigits, '\0');
}

// RDNs in certificate order joined by ", "; attributes of one multi-valued
// RDN joined by " + " (as x509-parser writes them).
std::string name_text(const X509_NAME* name) {
  std::string text;
  int previous_rdn = -1;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    const int rdn = X509_NAME_ENTRY_set(entry);
    if (i > 0) text += rdn == previous_rdn ? " + " : ", ";
    previous_rdn = rdn;
    text += attribute_name(X509_NAME_ENTRY_get_object(entry));
    text += '=';
    text += attribute_value(X509_NAME_ENTRY_get_data(entry));
  }
  return text;
}

// The INTEGER's DER content bytes, so a positive serial with its top bit set
// keeps its leading 00 (Suricata prints the raw bytes; `openssl x509 -serial`
// does not).
std::string serial_text(const ASN1_INTEGER* serial) {
  unsigned char* der = nullptr;
  const int der_length = i2d_ASN1_INTEGER(serial, &der);
  const std::unique_ptr<unsigned char, OpenSslFree> owner(der);
  if (der_length <= 0) return {};
  const unsigned char* content = der;
  long content_length = 0;
  int tag = 0, tag_class = 0;
  if (ASN1_get_object(&content, &content_length, &tag, &tag_class, der_length) & 0x80) return {};
  return hex_text(content, static_cast<std::size_t>(content_length), kUpperDigits, ':');
}

std::string time_text(const ASN1_TIME* time) {
  std::tm fields{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &fields) != 1) return {};
  char text[32];
  const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &fields);
  return std::string(text, length);
}

std::string sha1_fingerprint(Bytes der) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(der.data(), der.size(), digest, &length, EVP_sha1(), nullptr) != 1) return {};
  return hex_text(digest, length, kLowerDigits, ':');
}

}  // namespace

std::optional<CertificateSummary> summarize_certificate(Bytes der) {
  const unsigned char* cursor = der.data();
  const std::unique_ptr<X509, X509Free> certificate(
      d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!certificate) {
    ERR_clear_error();  // the thread's error queue is shared with every other OpenSSL user
    return std::nullopt;
  }
  return CertificateSummary{
      .subject = name_text(X509_get_subject_name(certificate.get())),
      .issuerdn = name_text(X509_get_issuer_name(certificate.get())),
      .serial = serial_text(X509_get0_serialNumber(certificate.get())),
      .fingerprint = sha1_fingerprint(der),
      .notbefore = time_text(X509_get0_notBefore(certificate.get())),
      .notafter = time_text(X509_get0_notAfter(certificate.get())),
  };
}

}  // namespace mld::app::tls
