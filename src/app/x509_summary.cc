#include "app/x509_summary.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>
#include <string_view>

#include "app/hex_digest.h"
#include "common/utf8.h"

namespace mld::app::tls {
namespace {

struct OpenSslFree {
  void operator()(unsigned char* bytes) const { OPENSSL_free(bytes); }
};

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

// The string types written as their bytes: those d2i_X509_NAME accepts but
// the UCS-2/UCS-4 ones (it refuses names with Visible, Videotex, Graphic or
// General strings).
bool is_raw_string_tag(int tag) {
  switch (tag) {
    case V_ASN1_UTF8STRING:
    case V_ASN1_PRINTABLESTRING:
    case V_ASN1_IA5STRING:
    case V_ASN1_NUMERICSTRING:
    case V_ASN1_T61STRING:
      return true;
    default:
      return false;
  }
}

// Byte strings stay raw (T61 may not be UTF-8: the writers escape);
// UCS-2/UCS-4 strings become UTF-8; values of other types are uppercase hex.
std::string attribute_value(const ASN1_STRING* value) {
  const unsigned char* bytes = ASN1_STRING_get0_data(value);
  const auto length = static_cast<std::size_t>(ASN1_STRING_length(value));
  if (is_raw_string_tag(ASN1_STRING_type(value))) {
    return std::string(reinterpret_cast<const char*>(bytes), length);
  }
  switch (ASN1_STRING_type(value)) {
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
  return hex_text({bytes, length}, HexCase::upper);
}

// RDNs in certificate order joined by ", "; attributes of one multi-valued
// RDN joined by " + " (as x509-parser writes them).
std::string entries_text(const X509_NAME* name) {
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

// One DER element of `rest`, which then starts after it. The certificate is
// walked by hand, down to the fields the event carries: OpenSSL's d2i_X509
// would also decode the public key through its provider machinery, which
// cost a fifth of the whole pipeline's time on real traffic.
struct Element {
  Bytes whole;    // tag, length and content
  Bytes content;
  int tag = 0;
  int tag_class = 0;
  bool constructed = false;
};

bool next_element(Bytes& rest, Element& element) {
  const unsigned char* content = rest.data();
  long length = 0;
  const int flags = ASN1_get_object(&content, &length, &element.tag, &element.tag_class,
                                    static_cast<long>(rest.size()));
  if ((flags & 0x80) != 0 || flags == 0x21) return false;  // error, or indefinite length
  element.constructed = (flags & V_ASN1_CONSTRUCTED) != 0;
  const auto header = static_cast<std::size_t>(content - rest.data());
  if (length < 0 || static_cast<std::size_t>(length) > rest.size() - header) return false;
  element.content = {content, static_cast<std::size_t>(length)};
  element.whole = rest.first(header + element.content.size());
  rest = rest.subspan(element.whole.size());
  return true;
}

// The parts of a TBSCertificate the event needs, as DER elements.
struct TbsFields {
  Element serial, issuer, not_before, not_after, subject;
};

bool read_tbs_fields(Bytes der, TbsFields& fields) {
  Element certificate, tbs, skipped, validity;
  if (!next_element(der, certificate) || certificate.tag != V_ASN1_SEQUENCE) return false;
  Bytes rest = certificate.content;
  if (!next_element(rest, tbs) || tbs.tag != V_ASN1_SEQUENCE) return false;
  rest = tbs.content;
  if (!next_element(rest, fields.serial)) return false;
  if (fields.serial.tag_class == V_ASN1_CONTEXT_SPECIFIC && !next_element(rest, fields.serial)) {
    return false;  // that was the explicit [0] version
  }
  if (fields.serial.tag != V_ASN1_INTEGER) return false;
  if (!next_element(rest, skipped) || !next_element(rest, fields.issuer) ||
      !next_element(rest, validity) || !next_element(rest, fields.subject)) {
    return false;
  }
  Bytes times = validity.content;
  return next_element(times, fields.not_before) && next_element(times, fields.not_after);
}

// The attribute types of nearly every certificate name, by their OID's DER
// content, with the names attribute_name() gives them.
struct KnownAttribute {
  std::string_view oid;
  std::string_view name;
};
constexpr KnownAttribute kKnownAttributes[] = {
    {"\x55\x04\x03", "CN"},
    {"\x55\x04\x06", "C"},
    {"\x55\x04\x07", "L"},
    {"\x55\x04\x08", "ST"},
    {"\x55\x04\x0a", "O"},
    {"\x55\x04\x0b", "OU"},
    {"\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x19", "DC"},
    {"\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01", "Email"},
};

std::optional<std::string_view> known_attribute_name(Bytes oid) {
  for (const KnownAttribute& known : kKnownAttributes) {
    if (known.oid == as_text(oid)) return known.name;
  }
  return std::nullopt;
}

bool is_universal(const Element& element, int tag, bool constructed) {
  return element.tag_class == V_ASN1_UNIVERSAL && element.tag == tag &&
         element.constructed == constructed;
}

// The text of a Name whose attributes are all known types with raw string
// values, read from the DER directly; nullopt for anything else, which
// openssl_name_text() then reads. Decoding every name through OpenSSL cost
// about 3 % of the pipeline on real traffic, and nearly every name takes this
// path. fuzz_x509 checks that both give the same text wherever this one does.
std::optional<std::string> common_name_text(Bytes der) {
  Element name;
  if (!next_element(der, name) || !is_universal(name, V_ASN1_SEQUENCE, true)) return std::nullopt;
  std::string text;
  Element rdn, attribute, type, value;
  for (Bytes rdns = name.content; !rdns.empty();) {
    if (!next_element(rdns, rdn) || !is_universal(rdn, V_ASN1_SET, true) || rdn.content.empty()) {
      return std::nullopt;
    }
    if (!text.empty()) text += ", ";
    const char* separator = "";
    for (Bytes attributes = rdn.content; !attributes.empty(); separator = " + ") {
      if (!next_element(attributes, attribute) ||
          !is_universal(attribute, V_ASN1_SEQUENCE, true)) {
        return std::nullopt;
      }
      Bytes parts = attribute.content;
      if (!next_element(parts, type) || !next_element(parts, value) || !parts.empty() ||
          !is_universal(type, V_ASN1_OBJECT, false) || value.tag_class != V_ASN1_UNIVERSAL ||
          value.constructed || !is_raw_string_tag(value.tag)) {
        return std::nullopt;
      }
      const auto type_name = known_attribute_name(type.content);
      // OpenSSL refuses a name with a UTF8String that is not UTF-8.
      if (!type_name ||
          (value.tag == V_ASN1_UTF8STRING && !is_valid_utf8(as_text(value.content)))) {
        return std::nullopt;
      }
      text += separator;
      text += *type_name;
      text += '=';
      text += as_text(value.content);
    }
  }
  return text;
}

std::string time_text(const Element& element) {
  const unsigned char* cursor = element.whole.data();
  ASN1_TIME* time = d2i_ASN1_TIME(nullptr, &cursor, static_cast<long>(element.whole.size()));
  std::tm fields{};
  const bool valid = time != nullptr && ASN1_TIME_to_tm(time, &fields) == 1;
  ASN1_TIME_free(time);
  if (!valid) return {};
  char text[32];
  const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &fields);
  return std::string(text, length);
}

}  // namespace

std::string name_text(Bytes der) {
  if (auto text = common_name_text(der)) return std::move(*text);
  return openssl_name_text(der);
}

std::string openssl_name_text(Bytes der) {
  const unsigned char* cursor = der.data();
  X509_NAME* name = d2i_X509_NAME(nullptr, &cursor, static_cast<long>(der.size()));
  if (name == nullptr) {
    ERR_clear_error();  // the thread's error queue is shared with every other OpenSSL user
    return {};
  }
  std::string text = entries_text(name);
  X509_NAME_free(name);
  return text;
}

std::optional<CertificateSummary> summarize_certificate(Bytes der) {
  TbsFields fields;
  if (!read_tbs_fields(der, fields)) {
    ERR_clear_error();  // the thread's error queue is shared with every other OpenSSL user
    return std::nullopt;
  }
  CertificateSummary summary{
      .subject = name_text(fields.subject.whole),
      .issuerdn = name_text(fields.issuer.whole),
      // The DER integer's bytes: a leading 00 stays (Suricata prints the raw
      // bytes; `openssl x509 -serial` does not).
      .serial = hex_text(fields.serial.content, HexCase::upper, ':'),
      .fingerprint = hex_digest(DigestAlgorithm::sha1, as_text(der), ':'),
      .notbefore = time_text(fields.not_before),
      .notafter = time_text(fields.not_after),
  };
  ERR_clear_error();
  return summary;
}

}  // namespace mld::app::tls
