// The rule detectors on real third-party captures (../shared/data): each
// labelled attack capture raises an alert of its family; benign captures
// raise none. Labels are the captures' own (file names, upstream
// descriptions, INDEX.md); see slips/EXPECTED_EVIDENCE.md and the 401TRG paper.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "detect/detector.h"
#include "tools/run_capture.h"
#include "tools/shared_data.h"

namespace mld::testing {
namespace {

struct Expectation {
  const char* capture;   // below ../shared/data
  const char* category;  // detector_info(...).category of at least one alert
};

std::set<std::string> alert_categories(const std::string& relative) {
  const CaptureRun run =
      run_captures({shared_data_dir() + "/" + relative}, options_from({"detect.enabled=true"}));
  EXPECT_TRUE(run.result.input_errors.empty()) << relative;
  std::set<std::string> categories;
  for (const detect::Alert& alert : run.alerts) {
    categories.emplace(detect::detector_info(alert.detector).category);
  }
  return categories;
}

std::string joined(const std::set<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += name + " ";
  return text.empty() ? "(none)" : text;
}

class AttackCapture : public ::testing::TestWithParam<Expectation> {};

TEST_P(AttackCapture, RaisesAnAlertOfItsFamily) {
  MLD_REQUIRE_SHARED_DATA();
  const Expectation& expected = GetParam();
  const std::set<std::string> categories = alert_categories(expected.capture);
  EXPECT_TRUE(categories.contains(expected.category))
      << expected.capture << ": expected " << expected.category << ", got " << joined(categories);
}

INSTANTIATE_TEST_SUITE_P(
    Labelled, AttackCapture,
    ::testing::Values(
        Expectation{"mmt-operator/www/data/attack/pcap/40.TCP_SYN_scan.pcap", "scan"},
        Expectation{"mmt-operator/www/data/attack/pcap/42.TCP_NULL_scan.pcap", "scan"},
        Expectation{"mmt-operator/www/data/attack/pcap/43.TCP_FIN_scan.pcap", "scan"},
        Expectation{"mmt-operator/www/data/attack/pcap/44.TCP_ACK_scan.pcap", "scan"},
        Expectation{"mmt-operator/www/data/attack/pcap/45.TCP_Maimon_scan.pcap", "scan"},
        Expectation{"mmt-security/check/pcap/27.udp_scan.pcap", "scan"},
        Expectation{"mmt-security/check/pcap/28.xmas_can.pcap", "scan"},
        Expectation{"ndpi/tests/cfgs/default/pcap/synscan.pcap", "scan"},
        Expectation{"ndpi/tests/cfgs/default/pcap/tcp_scan.pcapng", "scan"},
        Expectation{"mmt-security/check/pcap/1.ssh_brute.pcap", "brute-force"},
        Expectation{"slips/dataset/test19-malicious-ssh/malicious-ssh-bruteforce.pcap",
                    "brute-force"},
        Expectation{"slips/dataset/test-cc/test-cc-capture-1.pcap", "beaconing"},
        Expectation{"401trg-detections/pcaps/20171220_smb_psexec_add_user.pcap",
                    "lateral-movement"},
        Expectation{"401trg-detections/pcaps/20171220_smb_psexec_mimikatz_ticket_dump.pcap",
                    "lateral-movement"},
        Expectation{
            "401trg-detections/pcaps/20171220_smb_metasploit_psexec_pth_download_meterpreter.pcap",
            "lateral-movement"},
        Expectation{"401trg-detections/pcaps/20171220_smb_at_schedule.pcap", "lateral-movement"},
        Expectation{"401trg-detections/pcaps/20171220_smb_mimikatz_copy.pcap",
                    "lateral-movement"},
        Expectation{"comnet24s-dns-tunnel/pcaps/dns2tcp/learn.netrack.github.com.pcap",
                    "dns-tunnel"},
        Expectation{"comnet24s-dns-tunnel/pcaps/iodine/examples.elastic.github.com.pcap",
                    "dns-tunnel"},
        Expectation{"ndpi/tests/cfgs/default/pcap/dns-tunnel-iodine.pcap", "dns-tunnel"}));

class BenignCapture : public ::testing::TestWithParam<const char*> {};

TEST_P(BenignCapture, RaisesNoAlert) {
  MLD_REQUIRE_SHARED_DATA();
  EXPECT_EQ(joined(alert_categories(GetParam())), "(none)") << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Labelled, BenignCapture,
                         ::testing::Values("mmt-security/check/pcap/2.ssh.pcap",
                                           "mmt-security/check/pcap/http_1flow_p30.pcap"));

}  // namespace
}  // namespace mld::testing
