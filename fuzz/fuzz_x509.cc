// libFuzzer target for the certificate fields of the TLS event. The bytes are
// read as a certificate (no crash, no over-read; a summary's fingerprint is a
// SHA-1) and as a Name, where the direct DER reader and OpenSSL's
// d2i_X509_NAME must give the same text: the direct reader is only a faster
// path to what OpenSSL reads.
#include <cstdint>

#include "app/x509_summary.h"
#include "fuzz_require.h"

using mld::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const mld::app::Bytes input(data, size);
  if (const auto summary = mld::app::tls::summarize_certificate(input)) {
    require(summary->fingerprint.size() == 59, "SHA-1 fingerprint is 20 colon-separated pairs");
  }
  require(mld::app::tls::name_text(input) == mld::app::tls::openssl_name_text(input),
          "the direct Name reader agrees with OpenSSL's");
  return 0;
}
