// The DNS name scores on third-party labelled names, at the default
// thresholds of DnsOptions: netrack/learn's tunnel and plain query names, and
// nDPI's DGA / legitimate domain lists (tools/fit_dga_model.py fitted the DGA
// model on their even lines; the odd lines are held out and decide here).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "detect/detect_options.h"
#include "detect/name_scores.h"
#include "tools/shared_data.h"
#include "tools/text_file.h"

namespace mld::testing {
namespace {

using detect::DnsOptions;

// The line without a trailing '\r' (netrack's files end lines with CRLF).
std::string without_cr(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

struct Rate {
  std::size_t flagged = 0, total = 0;
  double share() const { return total == 0 ? 0 : static_cast<double>(flagged) / total; }
};

// netrack names.csv: a "label,qname" header, then label 1 (tunnel) or 0.
Rate tunnel_rate(const std::string &family, int expected_label) {
  const auto lines =
      lines_of(read_file(shared_data_dir() + "/netrack-learn-dns/dns/" + family + "/names.csv"));
  Rate rate;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string line = without_cr(lines[i]);
    const std::size_t comma = line.find(',');
    if (comma == std::string::npos) continue;
    EXPECT_EQ(line.substr(0, comma), std::to_string(expected_label)) << family << ": " << line;
    ++rate.total;
    rate.flagged +=
        detect::tunnel_name_score(line.substr(comma + 1)) >= DnsOptions{}.tunnel_name_score;
  }
  return rate;
}

// One domain per line; `parity` 0 = even lines (fitted on), 1 = odd (held out).
Rate dga_rate(const std::string &file, std::size_t parity) {
  const auto lines = lines_of(read_file(shared_data_dir() + "/ndpi/tests/dga/" + file));
  Rate rate;
  for (std::size_t i = parity; i < lines.size(); i += 2) {
    const std::string domain = without_cr(lines[i]);
    if (domain.empty()) continue;
    ++rate.total;
    rate.flagged += detect::dga_name_score(domain) >= DnsOptions{}.dga_name_score;
  }
  return rate;
}

void print(const char *list, const char *kind, const Rate &rate) {
  std::printf("  %-40s %-4s %6zu / %6zu = %6.2f%%\n", list, kind, rate.flagged, rate.total,
              100 * rate.share());
}

TEST(NameScoresEval, TunnelNamesTprAtLeast95PercentAtFprAtMost1Percent) {
  MLD_REQUIRE_SHARED_DATA();
  std::printf("tunnel_name_score >= %.2f (netrack-learn-dns)\n", DnsOptions{}.tunnel_name_score);
  for (const char *family : {"dns2tcp", "dnscapy", "iodine"}) {
    const Rate rate = tunnel_rate(family, 1);
    print(family, "TPR", rate);
    EXPECT_GT(rate.total, 1000u) << family;
    EXPECT_GE(rate.share(), 0.95) << family;
  }
  const Rate plain = tunnel_rate("plain", 0);
  print("plain", "FPR", plain);
  EXPECT_GT(plain.total, 1000u);
  EXPECT_LE(plain.share(), 0.01);
}

// The issue asks for TPR >= 90% at FPR <= 2%. A character model cannot get
// there on these lists: about a quarter of test_dga.csv comes from dictionary
// DGAs (suppobox, matsnu, ...) whose names are English words ("washingdurable")
// and look like the legitimate list. The goal this test holds is the FPR one
// and the TPR the small model reaches on the held-out half, so a regression
// fails; the shortfall is stated in the README.
constexpr double kDgaHeldOutTprFloor = 0.60;

TEST(NameScoresEval, DgaNamesFprAtMost2PercentOnBothHalves) {
  MLD_REQUIRE_SHARED_DATA();
  std::printf("dga_name_score >= %.2f (ndpi/tests/dga)\n", DnsOptions{}.dga_name_score);
  for (const std::size_t parity : {0u, 1u}) {
    const char *half = parity == 0 ? "(even lines, fitted)" : "(odd lines, held out)";
    const Rate dga = dga_rate("test_dga.csv", parity);
    const Rate legit = dga_rate("test_non_dga.csv", parity);
    print((std::string("test_dga.csv ") + half).c_str(), "TPR", dga);
    print((std::string("test_non_dga.csv ") + half).c_str(), "FPR", legit);
    EXPECT_GT(dga.total, 10000u);
    EXPECT_GT(legit.total, 10000u);
    EXPECT_LE(legit.share(), 0.02) << half;
    if (parity == 1) {
      EXPECT_GE(dga.share(), kDgaHeldOutTprFloor);
    }
  }
}

}  // namespace
}  // namespace mld::testing
