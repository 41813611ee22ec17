// Hand examples for the DNS name scores. Registered domains follow the Public
// Suffix List rules (publicsuffix.org/list); the score examples only compare
// names whose order anyone can judge by eye, so they do not pin the weights.
#include "detect/name_scores.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace mld::detect {
namespace {

TEST(RegisteredDomain, IsTheEtldPlusOne) {
  EXPECT_EQ(registered_domain("a.b.example.co.uk"), "example.co.uk");
  EXPECT_EQ(registered_domain("www.example.com"), "example.com");
  EXPECT_EQ(registered_domain("example.com"), "example.com");
  EXPECT_EQ(registered_domain("user.github.io"),
            "user.github.io");  // private section
}

TEST(RegisteredDomain, IgnoresRootDotsAndCase) {
  EXPECT_EQ(registered_domain("A.B.Example.CO.UK."), "Example.CO.UK");
  EXPECT_EQ(registered_domain("www.example.com.."), "example.com");
}

TEST(RegisteredDomain, IsTheNameItselfWhenItHasNone) {
  EXPECT_EQ(registered_domain("com"), "com");
  EXPECT_EQ(registered_domain("co.uk."), "co.uk");
  EXPECT_EQ(registered_domain(""), "");
  EXPECT_EQ(registered_domain("."), "");
}

TEST(RegisteredDomain, ReturnsAViewIntoTheInput) {
  const std::string name = "mail.example.org";
  const std::string_view registered = registered_domain(name);
  EXPECT_EQ(registered.data(), name.data() + 5);
}

TEST(RegisteredDomain, SurvivesOddInput) {
  EXPECT_EQ(registered_domain("a..example.com"), "example.com");
  EXPECT_EQ(registered_domain("www.b\xc3\xbc"
                              "cher.de"),
            "b\xc3\xbc"
            "cher.de");  // UTF-8 IDN
  EXPECT_EQ(registered_domain("a.xn--bcher-kva.de"), "xn--bcher-kva.de");
  EXPECT_EQ(registered_domain(std::string_view("a.ex\0mple.com", 13)),
            std::string_view("ex\0mple.com", 11));
  // Longer than 253 characters: judged by its last labels.
  const std::string long_name = std::string(300, 'a') + ".b.example.com";
  EXPECT_EQ(registered_domain(long_name), "example.com");
  EXPECT_EQ(registered_domain(std::string(300, 'a')), "");  // no label fits
}

TEST(SubdomainPart, IsWhatPrecedesTheRegisteredDomain) {
  EXPECT_EQ(subdomain_part("a.b.example.co.uk."), "a.b");
  EXPECT_EQ(subdomain_part("example.co.uk"), "");
  EXPECT_EQ(subdomain_part("co.uk"), "");
  EXPECT_EQ(subdomain_part("8.8.8.8.in-addr.arpa"), "8.8.8");
  EXPECT_EQ(subdomain_part(std::string(300, 'a')), "");  // no registered domain: nothing in front
}

TEST(TunnelNameScore, IsZeroWithoutASubdomain) {
  EXPECT_EQ(tunnel_name_score("google.com."), 0);
  EXPECT_EQ(tunnel_name_score("thesyndicationserver.co.uk"), 0);
  EXPECT_EQ(tunnel_name_score(""), 0);
}

TEST(TunnelNameScore, OrdinaryNamesStayBelowTheDefaultThreshold) {
  for (const char *name :
       {"www.example.com", "mail.google.com", "r3---sn-vh5ouxa-hju6.googlevideo.com",
        "b-tr-teams-euno-05.northeurope.cloudapp.azure.com",
        "_ldap._tcp.dc._msdcs.corp.example.com", "selector1._domainkey.example.com",
        "1.0.17.172.in-addr.arpa",
        "8a755a3fef0b189d8ab5b0d10758f68a.safeframe.googlesyndication.com",
        "951c558a-5e07-47ca-a0c0-225da1b33163.help.example.net", "MyLaptop.corp.example.com"}) {
    EXPECT_LT(tunnel_name_score(name), 0.5) << name;
  }
}

TEST(TunnelNameScore, EncodedLabelsPassTheDefaultThreshold) {
  for (const char *name : {// dnscat2: hex
                           "c75900fdf525320021636f6d6d616e64202873697276696d657"
                           "32900.skullseclabs.org",
                           // base32, two full labels
                           "mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpiytemztgq2"
                           "tmnzy.gezdgnbvgy3tqojqgezdgnbvgy3tqojq"
                           ".t.example.com",
                           // dns2tcp: base64 with '+' and case
                           "q+Z8AnwaBA.hidemyself.org."}) {
    EXPECT_GE(tunnel_name_score(name), 0.5) << name;
  }
}

TEST(TunnelNameScore, GrowsWithEncodedData) {
  const double short_label = tunnel_name_score("mfrggzdf.example.com");
  const double long_label =
      tunnel_name_score("mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpiytemztgq.example.com");
  EXPECT_LT(short_label, long_label);
  EXPECT_LT(tunnel_name_score("www.example.com"), short_label + 1e-9);
}

TEST(TunnelNameScore, CaseCountsOnlyWhenTheDomainIsNotRandomisedToo) {
  // 0x20 randomisation (resolvers flip letter case) changes the whole name.
  EXPECT_GT(tunnel_name_score("aBcDeFgHiJ.example.com"),
            tunnel_name_score("aBcDeFgHiJ.ExAmPlE.cOm"));
}

TEST(TunnelNameScore, MulticastDnsNamesCannotTunnel) {
  EXPECT_EQ(tunnel_name_score("Luca\xe2\x80\x99s iMac._odisk._tcp.local"), 0);
}

TEST(DgaNameScore, RandomLettersScoreAboveDictionaryNames) {
  for (const char *random : {"kq0qw6o2siwq.org", "hwevqwlocbvmrjdor.net", "xjwqpzkvbrtm.com"}) {
    EXPECT_GE(dga_name_score(random), 0.5) << random;
    for (const char *chosen : {"wikipedia.org", "stackoverflow.com", "bbc.co.uk", "weather.com"}) {
      EXPECT_LT(dga_name_score(chosen), 0.5) << chosen;
      EXPECT_GT(dga_name_score(random), dga_name_score(chosen)) << random << " vs " << chosen;
    }
  }
}

TEST(DgaNameScore, JudgesTheRegisteredDomainsFirstLabel) {
  EXPECT_DOUBLE_EQ(dga_name_score("www.wikipedia.org"), dga_name_score("wikipedia.org"));
  EXPECT_DOUBLE_EQ(dga_name_score("xjwqpzkvbrtm.co.uk"), dga_name_score("xjwqpzkvbrtm.com"));
  EXPECT_DOUBLE_EQ(dga_name_score("XJWQPZKVBRTM.com."), dga_name_score("xjwqpzkvbrtm.com"));
}

TEST(DgaNameScore, StaysInRangeOnOddInput) {
  for (const std::string_view name :
       {std::string_view(""), std::string_view("."), std::string_view("\xff\xfe.com"),
        std::string_view("a\0b.com", 7), std::string_view("-.-")}) {
    const double score = dga_name_score(name);
    EXPECT_GE(score, 0);
    EXPECT_LE(score, 1);
  }
}

}  // namespace
}  // namespace mld::detect
