#pragma once
// Scores of single DNS names, used by the DNS tunnel and DGA detectors: how
// much a query name looks like data encoded into labels (tunnels, exfiltration)
// and how much a domain looks algorithmically generated. Both are 0..1; the
// thresholds live in DetectOptions.
#include <string_view>

namespace mld::detect {

// The registered domain (eTLD+1) of `name` by the Public Suffix List
// ("a.b.example.co.uk" -> "example.co.uk"); `name` itself when it has none.
std::string_view registered_domain(std::string_view name);

// The part of `name` in front of its registered domain ("" when none).
std::string_view subdomain_part(std::string_view name);

// Data-in-labels score of a full query name: long, high-entropy,
// base32/base64/hex-looking labels in front of the registered domain.
double tunnel_name_score(std::string_view qname);

// Generated-name score of a domain (its registered domain's first label
// decides): character statistics that separate DGA output from names
// people chose.
double dga_name_score(std::string_view domain);

}  // namespace mld::detect
