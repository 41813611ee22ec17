// libFuzzer target for the DNS name scores: arbitrary bytes as a name. The
// promises of name_scores.h are checked on every input, so a broken one is a
// crash: views into the input, the subdomain in front of the registered
// domain, scores in 0..1.
#include <cstdint>
#include <string_view>

#include "detect/name_scores.h"
#include "fuzz_require.h"

namespace {

using mld::fuzz::require;

bool is_inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view name(reinterpret_cast<const char *>(data), size);
  const std::string_view registered = mld::detect::registered_domain(name);
  const std::string_view subdomain = mld::detect::subdomain_part(name);
  require(is_inside(registered, name), "registered domain is a view into the name");
  require(is_inside(subdomain, name), "subdomain is a view into the name");
  require(subdomain.empty() || subdomain.data() + subdomain.size() + 1 == registered.data(),
          "subdomain ends one dot before the registered domain");
  const double tunnel = mld::detect::tunnel_name_score(name);
  const double dga = mld::detect::dga_name_score(name);
  require(tunnel >= 0 && tunnel <= 1, "tunnel score in 0..1");
  require(dga >= 0 && dga <= 1, "DGA score in 0..1");
  return 0;
}
