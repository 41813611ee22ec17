#pragma once
// The fields of a server certificate that the TLS event carries, written as
// Suricata 8 writes them (its Rust x509 module): names as "C=US, O=..., CN=..."
// in certificate order, serial as the DER integer's bytes "00:AB:CD", SHA-1
// fingerprint "aa:bb:...", validity "YYYY-MM-DDTHH:MM:SS" (UTC).
#include <optional>
#include <string>

#include "app/dissector.h"

namespace mld::app::tls {

struct CertificateSummary {
  std::string subject;
  std::string issuerdn;
  std::string serial;
  std::string fingerprint;
  std::string notbefore;
  std::string notafter;
};

// `der`: one DER-encoded certificate. Nullopt when OpenSSL cannot parse it.
std::optional<CertificateSummary> summarize_certificate(Bytes der);

// `der` starts with one DER-encoded Name (a subject or an issuer): its text
// as the event writes it, empty when OpenSSL cannot read it. Most names are
// read directly, the rest by openssl_name_text(), which gives the same text
// for every name (the fuzz target compares the two).
std::string name_text(Bytes der);
std::string openssl_name_text(Bytes der);

}  // namespace mld::app::tls
