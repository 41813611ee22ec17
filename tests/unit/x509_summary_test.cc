// Certificate names as the TLS event writes them, on certificates OpenSSL
// builds here: most names are read straight from the DER, the rest through
// d2i_X509_NAME, and both must give the text written out by hand below
// (Suricata's style: RDNs in certificate order joined by ", ", attributes of
// one multi-valued RDN by " + ").
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "app/x509_summary.h"

namespace mld::app {
namespace {

struct NameEntry {
  int nid;       // NID_undef: `oid` names the attribute type
  const char* oid;
  int type;      // a V_ASN1_* string type
  std::string value;
  bool joins_previous_rdn = false;
};

using NamePtr = std::unique_ptr<X509_NAME, decltype(&X509_NAME_free)>;

NamePtr make_name(const std::vector<NameEntry>& entries) {
  NamePtr name(X509_NAME_new(), &X509_NAME_free);
  for (const NameEntry& entry : entries) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(entry.value.data());
    const int length = static_cast<int>(entry.value.size());
    const int set = entry.joins_previous_rdn ? -1 : 0;
    const int added =
        entry.nid != NID_undef
            ? X509_NAME_add_entry_by_NID(name.get(), entry.nid, entry.type, bytes, length, -1, set)
            : X509_NAME_add_entry_by_txt(name.get(), entry.oid, entry.type, bytes, length, -1, set);
    if (added != 1) throw std::runtime_error("cannot add a name entry");
  }
  return name;
}

// A signed certificate whose subject is `subject` and issuer `issuer`, as DER.
std::vector<unsigned char> certificate_der(const X509_NAME* subject, const X509_NAME* issuer) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(X509_new(), &X509_free);
  X509* c = certificate.get();
  if (!key || c == nullptr || X509_set_version(c, 2) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(c), 0x1234) != 1 ||
      X509_set_subject_name(c, subject) != 1 || X509_set_issuer_name(c, issuer) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(c), 0) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(c), 3600) == nullptr ||
      X509_set_pubkey(c, key.get()) != 1 || X509_sign(c, key.get(), EVP_sha256()) == 0) {
    throw std::runtime_error("cannot build the test certificate");
  }
  unsigned char* der = nullptr;
  const int length = i2d_X509(c, &der);
  if (length <= 0) throw std::runtime_error("cannot encode the test certificate");
  std::vector<unsigned char> bytes(der, der + length);
  OPENSSL_free(der);
  return bytes;
}

tls::CertificateSummary summary_of(const std::vector<NameEntry>& subject,
                                   const std::vector<NameEntry>& issuer) {
  const auto der = certificate_der(make_name(subject).get(), make_name(issuer).get());
  const auto summary = tls::summarize_certificate(Bytes(der));
  if (!summary) throw std::runtime_error("the test certificate was not summarized");
  return *summary;
}

TEST(X509Summary, CommonAttributesWithMultiValuedRdnAndEveryRawStringType) {
  const auto summary = summary_of(
      {{NID_countryName, nullptr, V_ASN1_PRINTABLESTRING, "DE"},
       {NID_stateOrProvinceName, nullptr, V_ASN1_UTF8STRING, "Bayern"},
       {NID_localityName, nullptr, V_ASN1_T61STRING, "M\xfcnchen"},  // T61: raw bytes stay
       {NID_organizationName, nullptr, V_ASN1_UTF8STRING, "Example GmbH"},
       {NID_organizationalUnitName, nullptr, V_ASN1_PRINTABLESTRING, "Lab", true},
       {NID_domainComponent, nullptr, V_ASN1_IA5STRING, "example"},
       {NID_pkcs9_emailAddress, nullptr, V_ASN1_IA5STRING, "ops@example.org"},
       {NID_commonName, nullptr, V_ASN1_UTF8STRING, "h\xc3\xa9llo.example.org"}},
      {{NID_commonName, nullptr, V_ASN1_PRINTABLESTRING, "Root"}});
  // DER sorts the members of a SET by their encoding: the shorter OU first.
  EXPECT_EQ(summary.subject,
            "C=DE, ST=Bayern, L=M\xfcnchen, OU=Lab + O=Example GmbH, DC=example, "
            "Email=ops@example.org, CN=h\xc3\xa9llo.example.org");
  EXPECT_EQ(summary.issuerdn, "CN=Root");
  EXPECT_EQ(summary.serial, "12:34");
}

TEST(X509Summary, OtherAttributeTypesAndWideStringsAreNamedAsOpensslKnowsThem) {
  // "Ωx" in UTF-16BE (BMPString) and UCS-4 (UniversalString).
  const std::string bmp("\x03\xa9\x00x", 4);
  const std::string ucs4("\x00\x00\x03\xa9\x00\x00\x00x", 8);
  const auto summary =
      summary_of({{NID_serialNumber, nullptr, V_ASN1_PRINTABLESTRING, "HRB 1234"},
                  {NID_commonName, nullptr, V_ASN1_BMPSTRING, bmp},
                  {NID_undef, "1.2.3.4", V_ASN1_UTF8STRING, "private"}},
                 {{NID_organizationName, nullptr, V_ASN1_UNIVERSALSTRING, ucs4}});
  EXPECT_EQ(summary.subject, "serialNumber=HRB 1234, CN=\xce\xa9x, 1.2.3.4=private");
  EXPECT_EQ(summary.issuerdn, "O=\xce\xa9x");
}

TEST(X509Summary, RejectsWhatOpensslCannotParse) {
  EXPECT_FALSE(tls::summarize_certificate(Bytes()).has_value());
  const std::vector<unsigned char> junk = {'j', 'u', 'n', 'k'};
  EXPECT_FALSE(tls::summarize_certificate(Bytes(junk)).has_value());
  const std::vector<unsigned char> overlong = {0x30, 0x82, 0xff, 0xff, 0x30};
  EXPECT_FALSE(tls::summarize_certificate(Bytes(overlong)).has_value());
}

}  // namespace
}  // namespace mld::app
