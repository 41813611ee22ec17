#include "app/dns_codes.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace mld::app::dns {
namespace {

struct TypeName {
  std::uint16_t code;
  std::string_view name;
};

// IANA "Resource Record (RR) TYPEs" that have a mnemonic.
constexpr std::array<TypeName, 64> kTypeNames{{
    {1, "A"},       {2, "NS"},        {3, "MD"},          {4, "MF"},     {5, "CNAME"},
    {6, "SOA"},     {7, "MB"},        {8, "MG"},          {9, "MR"},     {10, "NULL"},
    {11, "WKS"},    {12, "PTR"},      {13, "HINFO"},      {14, "MINFO"}, {15, "MX"},
    {16, "TXT"},    {17, "RP"},       {18, "AFSDB"},      {19, "X25"},   {20, "ISDN"},
    {21, "RT"},     {22, "NSAP"},     {23, "NSAPPTR"},    {24, "SIG"},   {25, "KEY"},
    {26, "PX"},     {27, "GPOS"},     {28, "AAAA"},       {29, "LOC"},   {30, "NXT"},
    {33, "SRV"},    {34, "ATMA"},     {35, "NAPTR"},      {36, "KX"},    {37, "CERT"},
    {38, "A6"},     {39, "DNAME"},    {41, "OPT"},        {42, "APL"},   {43, "DS"},
    {44, "SSHFP"},  {45, "IPSECKEY"}, {46, "RRSIG"},      {47, "NSEC"},  {48, "DNSKEY"},
    {49, "DHCID"},  {50, "NSEC3"},    {51, "NSEC3PARAM"}, {52, "TLSA"},  {55, "HIP"},
    {59, "CDS"},    {60, "CDNSKEY"},  {64, "SVCB"},       {65, "HTTPS"}, {99, "SPF"},
    {249, "TKEY"},  {250, "TSIG"},    {251, "IXFR"},      {252, "AXFR"}, {253, "MAILB"},
    {254, "MAILA"}, {255, "ANY"},     {256, "URI"},       {257, "CAA"},
}};

constexpr std::array<std::string_view, 11> kRcodeNames{
    "NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
    "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE",
};

}  // namespace

std::string rrtype_name(std::uint16_t rrtype) {
  const auto it = std::find_if(kTypeNames.begin(), kTypeNames.end(),
                               [rrtype](const TypeName& entry) { return entry.code == rrtype; });
  return it != kTypeNames.end() ? std::string(it->name) : std::to_string(rrtype);
}

std::string rcode_name(std::uint8_t rcode) {
  return rcode < kRcodeNames.size() ? std::string(kRcodeNames[rcode]) : std::to_string(rcode);
}

}  // namespace mld::app::dns
