// The SMB dissector on real captures and on hostile input. Expected values
// come from tshark 4.0 (smb2.cmd, smb2.msg_id, smb2.nt_status, smb2.tid,
// smb2.sesid, smb2.filename, smb2.tree; smb.cmd, smb.path, smb.file,
// smb.dialect.index) and from suricata-verify's expectations for the same
// scenarios (tests/smb2-04 .. smb2-07 of OISF/suricata-verify; smb2-05 uses
// the very capture 20171220_smb_mimikatz_copy_to_host.pcap).
#include "app/smb.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "dissector_test_support.h"

namespace mld::app {
namespace {

using flow::Direction;

struct Emitted {
  Direction side;
  Micros timestamp;
  SmbEvent event;
};

class Collect final : public EventOut {
 public:
  void emit(Direction side, Micros timestamp, AppEventBody body) override {
    events.push_back({side, timestamp, std::get<SmbEvent>(std::move(body))});
  }
  std::vector<Emitted> events;
};

bool is_smb_port(std::uint16_t port) { return port == 445 || port == 139; }

// The events of every TCP conversation to or from port 445 or 139, each
// through its own dissector, in conversation order.
std::vector<SmbEvent> dissect_capture(const std::string& relative, AppCounters& counters) {
  const auto packets = testing::payload_packets(testing::shared_data_dir() + "/" + relative);
  std::vector<int> conversations;
  for (const auto& p : packets) {
    if (p.protocol == 6 && (is_smb_port(p.src_port) || is_smb_port(p.dst_port)) &&
        std::find(conversations.begin(), conversations.end(), p.conversation) ==
            conversations.end()) {
      conversations.push_back(p.conversation);
    }
  }
  std::vector<SmbEvent> events;
  for (const int c : conversations) {
    auto dissector = make_smb_dissector(counters);
    Collect out;
    test::feed(*dissector, test::conversation(packets, c), out);
    EXPECT_TRUE(dissector->wants_more());
    for (auto& e : out.events) events.push_back(std::move(e.event));
  }
  return events;
}

std::vector<SmbEvent> with(const std::vector<SmbEvent>& events, const std::string& command) {
  std::vector<SmbEvent> kept;
  std::copy_if(events.begin(), events.end(), std::back_inserter(kept),
               [&](const SmbEvent& e) { return e.command == command; });
  return kept;
}

int count_filename(const std::vector<SmbEvent>& events, const std::string& filename) {
  return static_cast<int>(std::count_if(events.begin(), events.end(),
                                        [&](const SmbEvent& e) { return e.filename == filename; }));
}

constexpr const char* kPcaps = "401trg-detections/pcaps/";

TEST(SmbDissector, MimikatzCopyToHostMatchesSuricataVerifySmb205) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto events =
      dissect_capture(std::string(kPcaps) + "20171220_smb_mimikatz_copy_to_host.pcap", counters);
  // tshark: MessageIds 0..30, every request answered.
  ASSERT_EQ(events.size(), 31u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].dialect, "2.10");
    ASSERT_TRUE(events[i].status_code.has_value());
  }
  EXPECT_EQ(events[0].command, "SMB2_COMMAND_NEGOTIATE_PROTOCOL");
  EXPECT_EQ(events[0].status, "STATUS_SUCCESS");
  EXPECT_EQ(events[1].command, "SMB2_COMMAND_SESSION_SETUP");
  EXPECT_EQ(events[1].session_id, 4398046511121u);  // 0x0000040000000011

  const auto trees = with(events, "SMB2_COMMAND_TREE_CONNECT");
  ASSERT_EQ(trees.size(), 1u);
  EXPECT_EQ(trees[0].status, "STATUS_SUCCESS");
  EXPECT_EQ(trees[0].share, "\\\\admin-pc\\c$");
  EXPECT_EQ(trees[0].tree_id, 1u);

  const auto creates = with(events, "SMB2_COMMAND_CREATE");
  ASSERT_EQ(creates.size(), 4u);
  EXPECT_EQ(count_filename(creates, "temp\\mimikatz.exe"), 3);
  EXPECT_EQ(count_filename(creates, "temp"), 1);
  for (const auto& e : creates) {
    EXPECT_EQ(e.status, "STATUS_SUCCESS");
    EXPECT_EQ(e.tree_id, 1u);
    EXPECT_EQ(e.share, "\\\\admin-pc\\c$");  // remembered from the tree connect
  }
  const auto finds = with(events, "SMB2_COMMAND_FIND");
  ASSERT_EQ(finds.size(), 2u);
  EXPECT_EQ(finds[1].status, "STATUS_NO_MORE_FILES");
  EXPECT_EQ(finds[1].status_code, 0x80000006u);
  EXPECT_EQ(with(events, "SMB2_COMMAND_READ").size(), 14u);
  EXPECT_EQ(with(events, "SMB2_COMMAND_CLOSE").size(), 4u);
  EXPECT_EQ(counters.smb_malformed.get(), 0u);
  EXPECT_EQ(counters.events_truncated.get(), 0u);
}

TEST(SmbDissector, NetUserMatchesSuricataVerifySmb206) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto events = dissect_capture(std::string(kPcaps) + "20171220_smb_net_user.pcap", counters);
  ASSERT_EQ(events.size(), 75u);  // tshark: 75 SMB2 responses, one per request
  // The client opens with an SMB1 NEGOTIATE the server answers in SMB2 ("2.??").
  EXPECT_EQ(events[0].command, "SMB1_COMMAND_NEGOTIATE_PROTOCOL");
  EXPECT_EQ(events[0].dialect, "2.??");
  EXPECT_EQ(events[0].status, "STATUS_SUCCESS");
  EXPECT_EQ(events[1].command, "SMB2_COMMAND_NEGOTIATE_PROTOCOL");
  EXPECT_EQ(events[1].dialect, "2.10");
  const auto lsarpc = std::find_if(events.begin(), events.end(),
                                   [](const SmbEvent& e) { return e.filename == "lsarpc"; });
  ASSERT_NE(lsarpc, events.end());
  EXPECT_EQ(lsarpc->command, "SMB2_COMMAND_CREATE");
  EXPECT_EQ(lsarpc->status, "STATUS_SUCCESS");
  EXPECT_EQ(lsarpc->status_code, 0u);
  EXPECT_EQ(lsarpc->session_id, 35184439197745u);
  EXPECT_EQ(lsarpc->tree_id, 1u);
  EXPECT_EQ(lsarpc->share, "\\\\DC1.contoso.local\\IPC$");
  EXPECT_EQ(count_filename(events, "samr"), 4);
  EXPECT_EQ(counters.smb_malformed.get(), 0u);
}

TEST(SmbDissector, PsexecAddUserMatchesSuricataVerifySmb207) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto events =
      dissect_capture(std::string(kPcaps) + "20171220_smb_psexec_add_user.pcap", counters);
  EXPECT_EQ(events.size(), 88u);  // tshark: 86 SMB2 transactions, 2 SMB1 NEGOTIATEs
  const auto trees = with(events, "SMB2_COMMAND_TREE_CONNECT");
  ASSERT_EQ(trees.size(), 3u);
  EXPECT_EQ(std::count_if(trees.begin(), trees.end(),
                          [](const SmbEvent& e) { return e.share == "\\\\dc1\\IPC$"; }),
            1);
  EXPECT_EQ(std::count_if(trees.begin(), trees.end(),
                          [](const SmbEvent& e) { return e.share == "\\\\dc1\\ADMIN$"; }),
            2);
  const auto creates = with(events, "SMB2_COMMAND_CREATE");
  EXPECT_EQ(count_filename(creates, "PSEXESVC.exe"), 2);
  for (const char* pipe : {"PSEXESVC-VICTIM-PC-2412-stdin", "PSEXESVC-VICTIM-PC-2412-stdout",
                           "PSEXESVC-VICTIM-PC-2412-stderr"}) {
    EXPECT_EQ(count_filename(creates, pipe), 1) << pipe;
  }
  for (const auto& e : creates) {
    EXPECT_EQ(e.share, e.filename == "PSEXESVC.exe" ? "\\\\dc1\\ADMIN$" : "\\\\dc1\\IPC$");
  }
  EXPECT_EQ(counters.smb_malformed.get(), 0u);
}

TEST(SmbDissector, AtScheduleMidstreamMatchesSuricataVerifySmb204) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto events =
      dissect_capture(std::string(kPcaps) + "20171220_smb_at_schedule.pcap", counters);
  // tshark: CREATE atsvc, GET_INFO, WRITE, READ, IOCTL (STATUS_PENDING, then
  // success), CLOSE, TREE_DISCONNECT, SESSION_LOGOFF; no NEGOTIATE captured.
  const std::vector<std::string> commands{
      "SMB2_COMMAND_CREATE",          "SMB2_COMMAND_GET_INFO",
      "SMB2_COMMAND_WRITE",           "SMB2_COMMAND_READ",
      "SMB2_COMMAND_IOCTL",           "SMB2_COMMAND_CLOSE",
      "SMB2_COMMAND_TREE_DISCONNECT", "SMB2_COMMAND_SESSION_LOGOFF"};
  ASSERT_EQ(events.size(), commands.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].command, commands[i]);
    EXPECT_EQ(events[i].status, "STATUS_SUCCESS");  // the interim IOCTL answer is not one
    EXPECT_EQ(events[i].dialect, "unknown");
    EXPECT_EQ(events[i].id, i + 1);
  }
  EXPECT_EQ(events[0].filename, "atsvc");
  EXPECT_EQ(events[0].session_id, 4398046511201u);  // 0x0000040000000061
  EXPECT_EQ(events[0].tree_id, 1u);
}

TEST(SmbDissector, CompoundRequestsOfSmbDeleteFileMatchTshark) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto events = dissect_capture("ndpi/tests/cfgs/default/pcap/smb_deletefile.pcap", counters);
  ASSERT_EQ(events.size(), 85u);
  std::map<std::string, int> commands;
  for (const auto& e : events) ++commands[e.command];
  EXPECT_EQ(commands["SMB2_COMMAND_CREATE"], 27);
  EXPECT_EQ(commands["SMB2_COMMAND_CLOSE"], 27);
  EXPECT_EQ(commands["SMB2_COMMAND_GET_INFO"], 17);
  EXPECT_EQ(commands["SMB2_COMMAND_FIND"], 8);
  EXPECT_EQ(commands["SMB2_COMMAND_SET_INFO"], 1);
  EXPECT_EQ(commands["SMB2_COMMAND_OPLOCK_BREAK"], 2);
  // Frame 1: CREATE + FIND + CLOSE compounded, all on tree 0x11.
  EXPECT_EQ(events[0].filename, "Luca\\Downloads");
  EXPECT_EQ(events[1].command, "SMB2_COMMAND_FIND");
  EXPECT_EQ(events[2].command, "SMB2_COMMAND_CLOSE");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i].tree_id, 0x11u);
    EXPECT_EQ(events[i].session_id, 0x000028000000001du);
    EXPECT_TRUE(events[i].share.empty());  // the tree connect was before the capture
  }
  // tshark: 5 CREATEs of "Luca\Downloads", 3 of "Luca", 1 of the installer.
  EXPECT_EQ(count_filename(events, "Luca\\Downloads"), 5);
  EXPECT_EQ(count_filename(events, "Luca"), 3);
  EXPECT_EQ(count_filename(events, "Luca\\Downloads\\innosetup-5.6.1.exe"), 1);
  EXPECT_EQ(counters.smb_malformed.get(), 0u);
}

TEST(SmbDissector, Smb1NegotiateSessionSetupAndTreeConnect) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto events = dissect_capture("ndpi/tests/cfgs/default/pcap/smbv1.pcap", counters);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].command, "SMB1_COMMAND_NEGOTIATE_PROTOCOL");
  EXPECT_EQ(events[1].command, "SMB1_COMMAND_SESSION_SETUP_ANDX");
  EXPECT_EQ(events[2].command, "SMB1_COMMAND_TREE_CONNECT_ANDX");
  EXPECT_EQ(events[2].share, "\\\\10.128.0.243\\IPC$");
  EXPECT_EQ(events[2].tree_id, 2048u);
  EXPECT_EQ(events[2].session_id, 2048u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i].dialect, "NT LM 0.12");
    EXPECT_EQ(events[i].status, "STATUS_SUCCESS");
  }
  // The capture ends before the TRANS2 response.
  EXPECT_EQ(events[3].command, "SMB1_COMMAND_TRANS2");
  EXPECT_FALSE(events[3].status_code.has_value());
  EXPECT_EQ(events[3].share, "\\\\10.128.0.243\\IPC$");
}

TEST(SmbDissector, Smb1MetasploitPsexecSharesAndPipe) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto events = dissect_capture(
      std::string(kPcaps) + "20171220_smb_metasploit_psexec_pth_download_meterpreter.pcap",
      counters);
  ASSERT_EQ(events.size(), 32u);               // tshark: 32 SMB1 requests, each answered
  EXPECT_EQ(events[0].dialect, "NT LM 0.12");  // index 3 of the client's four dialects
  EXPECT_EQ(events[1].status, "STATUS_MORE_PROCESSING_REQUIRED");
  const auto trees = with(events, "SMB1_COMMAND_TREE_CONNECT_ANDX");
  ASSERT_EQ(trees.size(), 3u);
  EXPECT_EQ(trees[0].share, "\\\\192.168.10.31\\IPC$");
  EXPECT_EQ(trees[1].share, "\\\\192.168.10.31\\ADMIN$");
  EXPECT_EQ(trees[1].tree_id, 2049u);
  EXPECT_EQ(trees[2].tree_id, 2050u);
  const auto creates = with(events, "SMB1_COMMAND_NT_CREATE_ANDX");
  ASSERT_EQ(creates.size(), 1u);
  EXPECT_EQ(creates[0].filename, "\\svcctl");
  EXPECT_EQ(creates[0].share, "\\\\192.168.10.31\\IPC$");
  EXPECT_EQ(counters.smb_malformed.get(), 0u);
}

TEST(SmbDissector, ResponsesWithoutTheirRequests) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto events = dissect_capture("ndpi/tests/cfgs/default/pcap/kerberos.pcap", counters);
  // Three flows caught mid-session: the client's bytes start inside a
  // message (garbage to us), the server's with a SESSION_SETUP response.
  ASSERT_EQ(events.size(), 3u);
  const std::uint64_t sessions[] = {0x0000040000000059, 0x000004000000005d, 0x0000040000000061};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i].command, "SMB2_COMMAND_SESSION_SETUP");
    EXPECT_EQ(events[i].status, "STATUS_SUCCESS");
    EXPECT_EQ(events[i].session_id, sessions[i]);
    EXPECT_EQ(events[i].id, 1u);
  }
  EXPECT_EQ(counters.smb_malformed.get(), 3u);
}

TEST(SmbDissector, LargeReadsAreSkippedNotBuffered) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const auto events = dissect_capture(
      std::string(kPcaps) + "20171220_smb_psexec_mimikatz_ticket_dump.pcap", counters);
  // tshark: 2582 transactions, 2544 of them READs (one SMB1 NEGOTIATE).
  EXPECT_EQ(events.size(), 2582u);
  EXPECT_EQ(with(events, "SMB2_COMMAND_READ").size(), 2544u);
  EXPECT_EQ(counters.smb_malformed.get(), 0u);
  EXPECT_EQ(counters.events_truncated.get(), 0u);
}

TEST(SmbDissector, BytesSplitAnywhereGiveTheSameEvents) {
  MLD_REQUIRE_SHARED_DATA();
  AppCounters counters;
  const std::string capture = std::string(kPcaps) + "20171220_smb_mimikatz_copy_to_host.pcap";
  const auto whole = dissect_capture(capture, counters);
  const auto packets = testing::payload_packets(testing::shared_data_dir() + "/" + capture);
  auto dissector = make_smb_dissector(counters);
  Collect out;
  for (const auto& p : packets) {
    for (const std::uint8_t& byte : p.payload) {
      dissector->on_data(p.side, p.timestamp, {&byte, 1}, out);
    }
  }
  dissector->on_flow_end(0, out);
  ASSERT_EQ(out.events.size(), whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(out.events[i].event.command, whole[i].command);
    EXPECT_EQ(out.events[i].event.status, whole[i].status);
    EXPECT_EQ(out.events[i].event.filename, whole[i].filename);
  }
}

// ---- Hand-made messages (MS-SMB2 2.2, MS-CIFS 2.2): chosen values, odd cases.

void put16(std::string& s, std::size_t at, std::uint16_t v) {
  s[at] = static_cast<char>(v);
  s[at + 1] = static_cast<char>(v >> 8);
}
void put32(std::string& s, std::size_t at, std::uint32_t v) {
  put16(s, at, static_cast<std::uint16_t>(v));
  put16(s, at + 2, static_cast<std::uint16_t>(v >> 16));
}
void put64(std::string& s, std::size_t at, std::uint64_t v) {
  put32(s, at, static_cast<std::uint32_t>(v));
  put32(s, at + 4, static_cast<std::uint32_t>(v >> 32));
}

struct Header {
  std::uint16_t command = 0;
  std::uint64_t message_id = 0;
  bool response = false;
  std::uint32_t status = 0;
  std::uint32_t flags = 0;
  std::uint32_t tree_id = 0;
  std::uint64_t session_id = 0;
  std::uint32_t next_command = 0;
};

std::string smb2(const Header& h, const std::string& body = "") {
  std::string s(64, '\0');
  s.replace(0, 4, "\xfeSMB");
  put16(s, 4, 64);
  put32(s, 8, h.status);
  put16(s, 12, h.command);
  put32(s, 16, h.flags | (h.response ? 1u : 0u));
  put32(s, 20, h.next_command);
  put64(s, 24, h.message_id);
  put32(s, 36, h.tree_id);
  put64(s, 40, h.session_id);
  return s + body;
}

std::string frame(const std::string& message) {
  const auto n = message.size();
  return std::string{'\0', static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                     static_cast<char>(n)} +
         message;
}

std::string utf16(const std::u16string& text) {
  std::string s;
  for (const char16_t c : text) {
    s += static_cast<char>(c & 0xff);
    s += static_cast<char>(c >> 8);
  }
  return s;
}

// TREE_CONNECT request body: the path right after it (offset 72).
std::string tree_connect_body(const std::string& path) {
  std::string body(8, '\0');
  put16(body, 0, 9);
  put16(body, 4, 72);
  put16(body, 6, static_cast<std::uint16_t>(path.size()));
  return body + path;
}

// CREATE request body: the name right after its 56 fixed bytes (offset 120).
std::string create_body(const std::string& name, std::uint16_t offset = 120) {
  std::string body(56, '\0');
  put16(body, 0, 57);
  put16(body, 44, offset);
  put16(body, 46, static_cast<std::uint16_t>(name.size()));
  return body + name;
}

std::string negotiate_response_body(std::uint16_t dialect) {
  std::string body(64, '\0');
  put16(body, 0, 65);
  put16(body, 4, dialect);
  return body;
}

struct Session {
  AppCounters counters;
  std::unique_ptr<Dissector> dissector = make_smb_dissector(counters);
  Collect out;
  Micros now = 0;
  void client(const std::string& bytes) { send(Direction::forward, bytes); }
  void server(const std::string& bytes) { send(Direction::backward, bytes); }
  void send(Direction side, const std::string& bytes) {
    dissector->on_data(side, ++now,
                       {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, out);
  }
  void end() { dissector->on_flow_end(++now, out); }
  const SmbEvent& event(std::size_t i) const { return out.events.at(i).event; }
};

TEST(SmbDissector, TreeConnectThenCreateCarryTheShare) {
  Session s;
  s.client(frame(smb2({.command = 0, .message_id = 0})));
  s.server(frame(
      smb2({.command = 0, .message_id = 0, .response = true}, negotiate_response_body(0x0311))));
  s.client(frame(smb2({.command = 3, .message_id = 1, .session_id = 9},
                      tree_connect_body(utf16(u"\\\\srv\\share")))));
  s.server(frame(
      smb2({.command = 3, .message_id = 1, .response = true, .tree_id = 7, .session_id = 9})));
  s.client(frame(smb2({.command = 5, .message_id = 2, .tree_id = 7, .session_id = 9},
                      create_body(utf16(u"dir\\file.txt")))));
  s.server(frame(smb2({.command = 5,
                       .message_id = 2,
                       .response = true,
                       .status = 0xc0000022,
                       .tree_id = 7,
                       .session_id = 9})));
  ASSERT_EQ(s.out.events.size(), 3u);
  EXPECT_EQ(s.event(0).dialect, "3.11");
  EXPECT_EQ(s.event(1).share, "\\\\srv\\share");
  EXPECT_EQ(s.event(1).tree_id, 7u);
  EXPECT_EQ(s.event(2).command, "SMB2_COMMAND_CREATE");
  EXPECT_EQ(s.event(2).status, "STATUS_ACCESS_DENIED");
  EXPECT_EQ(s.event(2).share, "\\\\srv\\share");
  EXPECT_EQ(s.event(2).filename, "dir\\file.txt");
  EXPECT_EQ(s.out.events[2].side, Direction::backward);
  EXPECT_EQ(s.out.events[2].timestamp, 6);
  EXPECT_EQ(s.counters.smb_malformed.get(), 0u);
}

TEST(SmbDissector, UnknownStatusAndDialectKeepTheirNumbers) {
  Session s;
  s.client(frame(smb2({.command = 0, .message_id = 0})));
  s.server(frame(smb2({.command = 0, .message_id = 0, .response = true, .status = 0},
                      negotiate_response_body(0x0399))));
  s.client(frame(smb2({.command = 99, .message_id = 1})));
  s.server(frame(smb2({.command = 99, .message_id = 1, .response = true, .status = 0xc0001234})));
  ASSERT_EQ(s.out.events.size(), 2u);
  EXPECT_EQ(s.event(1).dialect, "921");  // 0x0399, as Suricata writes unknown revisions
  EXPECT_EQ(s.event(1).command, "99");
  EXPECT_EQ(s.event(1).status, "");
  EXPECT_EQ(s.event(1).status_code, 0xc0001234u);
}

TEST(SmbDissector, InvalidUtf16BecomesReplacementCharacters) {
  Session s;
  // A lone high surrogate, 'A', a lone low surrogate, a valid pair (U+1F600),
  // then an odd last byte.
  const std::string name = utf16(
                               u"\xd800"
                               u"A"
                               u"\xdc00"
                               u"\xd83d\xde00") +
                           "x";
  s.client(frame(smb2({.command = 5, .message_id = 4}, create_body(name))));
  s.end();
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.event(0).filename,
            "\xef\xbf\xbd"
            "A"
            "\xef\xbf\xbd"
            "\xf0\x9f\x98\x80"
            "\xef\xbf\xbd");
  EXPECT_FALSE(s.event(0).status_code.has_value());  // never answered
}

TEST(SmbDissector, LongNamesAreCutAndCounted) {
  Session s;
  s.client(frame(smb2({.command = 5, .message_id = 4},
                      create_body(utf16(std::u16string(smb::kMaxNameUnits + 100, u'n'))))));
  s.end();
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.event(0).filename, std::string(smb::kMaxNameUnits, 'n'));
  EXPECT_EQ(s.counters.events_truncated.get(), 1u);
}

TEST(SmbDissector, NameOutsideTheMessageIsMalformed) {
  Session s;
  s.client(frame(smb2({.command = 5, .message_id = 4}, create_body(utf16(u"abc"), 0xfff0))));
  s.client(frame(smb2({.command = 3, .message_id = 5}, std::string(4, '\0'))));  // short body
  s.end();
  ASSERT_EQ(s.out.events.size(), 2u);
  EXPECT_TRUE(s.event(0).filename.empty());
  EXPECT_EQ(s.counters.smb_malformed.get(), 2u);
}

TEST(SmbDissector, RelatedCompoundInheritsIds) {
  Session s;
  const std::string create =
      smb2({.command = 5, .message_id = 10, .tree_id = 3, .session_id = 77, .next_command = 128},
           create_body(utf16(u"f")));
  std::string padded = create + std::string(128 - create.size(), '\0');
  const std::string close = smb2({.command = 6,
                                  .message_id = 11,
                                  .flags = 4,
                                  .tree_id = 0xffffffff,
                                  .session_id = ~std::uint64_t{0}},
                                 std::string(24, '\0'));
  s.client(frame(padded + close));
  s.end();
  ASSERT_EQ(s.out.events.size(), 2u);
  EXPECT_EQ(s.event(0).filename, "f");
  EXPECT_EQ(s.event(1).command, "SMB2_COMMAND_CLOSE");
  EXPECT_EQ(s.event(1).tree_id, 3u);
  EXPECT_EQ(s.event(1).session_id, 77u);
  EXPECT_EQ(s.counters.smb_malformed.get(), 0u);
}

TEST(SmbDissector, BadNextCommandEndsTheCompound) {
  Session s;
  const std::string base = smb2({.command = 6, .message_id = 1, .next_command = 70});
  s.client(frame(base + std::string(100, '\0')));  // 70: not 8-byte aligned
  s.client(frame(smb2({.command = 6, .message_id = 2, .next_command = 4096})));  // beyond
  s.client(frame(smb2({.command = 6, .message_id = 3, .next_command = 8})));     // inside itself
  s.end();
  EXPECT_EQ(s.out.events.size(), 3u);
  EXPECT_EQ(s.counters.smb_malformed.get(), 3u);
}

TEST(SmbDissector, FullRequestTableEmitsTheOldestUnanswered) {
  Session s;
  for (std::uint64_t id = 0; id <= smb::kMaxPendingRequests; ++id) {
    s.client(frame(smb2({.command = 8, .message_id = id})));
  }
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.event(0).id, 1u);
  EXPECT_FALSE(s.event(0).status_code.has_value());
  s.server(frame(smb2({.command = 8, .message_id = 0, .response = true})));  // too late
  ASSERT_EQ(s.out.events.size(), 2u);
  EXPECT_EQ(s.event(1).id, smb::kMaxPendingRequests + 2);  // a response without its request
  s.end();
  EXPECT_EQ(s.out.events.size(), smb::kMaxPendingRequests + 2);
}

TEST(SmbDissector, ReusedMessageIdAndCancel) {
  Session s;
  s.client(frame(smb2({.command = 15, .message_id = 5})));
  s.client(frame(smb2({.command = 12, .message_id = 5})));  // CANCEL of it: emitted at once
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.event(0).command, "SMB2_COMMAND_CANCEL");
  s.client(frame(smb2({.command = 8, .message_id = 5})));  // reuse: the first is given up
  ASSERT_EQ(s.out.events.size(), 2u);
  EXPECT_EQ(s.event(1).command, "SMB2_COMMAND_CHANGE_NOTIFY");
  s.server(frame(smb2({.command = 8, .message_id = 5, .response = true, .status = 0xc0000011})));
  ASSERT_EQ(s.out.events.size(), 3u);
  EXPECT_EQ(s.event(2).command, "SMB2_COMMAND_READ");
  EXPECT_EQ(s.event(2).status, "STATUS_END_OF_FILE");
}

TEST(SmbDissector, InterimResponseWaitsForTheFinalOne) {
  Session s;
  s.client(frame(smb2({.command = 11, .message_id = 3, .tree_id = 2})));
  s.server(
      frame(smb2({.command = 11, .message_id = 3, .response = true, .status = 0x103, .flags = 2})));
  EXPECT_TRUE(s.out.events.empty());
  s.server(frame(smb2({.command = 11, .message_id = 3, .response = true, .flags = 2})));
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.event(0).status, "STATUS_SUCCESS");
  EXPECT_EQ(s.event(0).tree_id, 2u);  // async headers carry no tree id: the request's stays
}

TEST(SmbDissector, SessionServicePacketsAreSkipped) {
  Session s;
  const std::string request = std::string("\x81\x00\x00\x04", 4) + "name";
  const std::string positive = std::string("\x82\x00\x00\x00", 4);
  const std::string keepalive = std::string("\x85\x00\x00\x00", 4);
  s.client(request + keepalive + frame(smb2({.command = 13, .message_id = 1})));
  s.server(positive + frame(smb2({.command = 13, .message_id = 1, .response = true})));
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.event(0).command, "SMB2_COMMAND_KEEPALIVE");
  EXPECT_EQ(s.counters.smb_malformed.get(), 0u);
}

TEST(SmbDissector, GarbageIsCountedThenTheStreamResynchronises) {
  Session s;
  std::string garbage = "\x42 this is not NetBIOS \xfeSM";
  s.client(garbage + frame(smb2({.command = 13, .message_id = 1})));
  s.client(std::string("\0\0\0\x10", 4) + "not an SMB hdr!!" +  // a frame without SMB
           frame(smb2({.command = 13, .message_id = 2})));
  s.end();
  ASSERT_EQ(s.out.events.size(), 2u);
  EXPECT_EQ(s.counters.smb_malformed.get(), 2u);
}

TEST(SmbDissector, LongWritesAreSkippedByCountAcrossGaps) {
  Session s;
  std::string write = smb2({.command = 9, .message_id = 1}, std::string(48, '\0'));
  const std::size_t data_bytes = 200000;
  std::string header = std::string{'\0', static_cast<char>((write.size() + data_bytes) >> 16),
                                   static_cast<char>((write.size() + data_bytes) >> 8),
                                   static_cast<char>(write.size() + data_bytes)};
  s.client(header + write);
  EXPECT_EQ(s.out.events.size(), 0u);  // still buffering up to kMaxMessageBytes
  s.client(std::string(smb::kMaxMessageBytes, 'd'));
  s.dissector->on_gap(Direction::forward, 100000);  // inside the skipped data: no harm
  s.client(std::string(data_bytes - smb::kMaxMessageBytes - 100000, 'd') +
           frame(smb2({.command = 9, .message_id = 2})));
  s.end();
  ASSERT_EQ(s.out.events.size(), 2u);
  EXPECT_EQ(s.event(1).id, 2u);
  EXPECT_EQ(s.counters.smb_malformed.get(), 0u);
  EXPECT_EQ(s.counters.events_truncated.get(), 0u);
}

TEST(SmbDissector, GapInAHeaderResynchronisesOnTheNextMessage) {
  Session s;
  const std::string first = frame(smb2({.command = 6, .message_id = 1}));
  s.client(first.substr(0, 10));
  s.dissector->on_gap(Direction::forward, 30);
  s.client(first.substr(40) + frame(smb2({.command = 6, .message_id = 2})));
  s.end();
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_EQ(s.event(0).id, 1u);  // the message after the gap
  EXPECT_EQ(s.counters.smb_malformed.get(), 0u);
}

TEST(SmbDissector, FieldsBeyondTheBufferedPartCountAsTruncated) {
  Session s;
  // A CREATE whose name lies past the first kMaxMessageBytes of its message.
  std::string body = create_body("", 0);
  const std::size_t name_offset = smb::kMaxMessageBytes + 64;
  put16(body, 44, static_cast<std::uint16_t>(name_offset));
  put16(body, 46, 8);
  std::string message = smb2({.command = 5, .message_id = 1}, body);
  message.resize(name_offset + 8, 'z');
  s.client(frame(message));
  s.end();
  ASSERT_EQ(s.out.events.size(), 1u);
  EXPECT_TRUE(s.event(0).filename.empty());
  EXPECT_EQ(s.counters.events_truncated.get(), 1u);
  EXPECT_EQ(s.counters.smb_malformed.get(), 0u);
}

// SMB1: header, parameter words, data bytes.
std::string smb1(std::uint8_t command, bool reply, std::uint32_t status, std::uint16_t flags2,
                 const std::string& words, const std::string& bytes) {
  std::string s(32, '\0');
  s.replace(0, 4, "\xffSMB");
  s[4] = static_cast<char>(command);
  put32(s, 5, status);
  s[9] = static_cast<char>(reply ? 0x80 : 0);
  put16(s, 10, flags2);
  put16(s, 30, 42);  // MID
  s += static_cast<char>(words.size() / 2);
  s += words;
  std::string count(2, '\0');
  put16(count, 0, static_cast<std::uint16_t>(bytes.size()));
  return s + count + bytes;
}

TEST(SmbDissector, Smb1DosErrorsAndOemStrings) {
  Session s;
  s.client(frame(
      smb1(0x72, false, 0, 0, "", std::string("\x02PC NETWORK PROGRAM 1.0\0\x02LANMAN1.0\0", 35))));
  std::string index(2, '\0');
  put16(index, 0, 1);
  s.server(frame(smb1(0x72, true, 0, 0, index, "")));
  std::string words(8, '\0');  // TREE_CONNECT_ANDX: AndX (4), Flags (2), PasswordLength 1
  put16(words, 6, 1);
  s.client(frame(smb1(0x75, false, 0, 0, words, std::string("\0\\\\HOST\\SHARE\0?????\0", 20))));
  // DOS error class 2 (server), code 4 (access), without the NT status flag.
  s.server(frame(smb1(0x75, true, 0x00040002, 0, "", "")));
  ASSERT_EQ(s.out.events.size(), 2u);
  EXPECT_EQ(s.event(0).dialect, "LANMAN1.0");
  EXPECT_EQ(s.event(1).share, "\\\\HOST\\SHARE");
  EXPECT_EQ(s.event(1).status, "");
  EXPECT_EQ(s.event(1).status_code, 0x00040002u);
  EXPECT_EQ(s.counters.smb_malformed.get(), 0u);
}

TEST(SmbDissector, Smb1BlocksBeyondTheMessageAreMalformed) {
  Session s;
  std::string message = smb1(0xa2, false, 0, 0x8000, std::string(48, '\0'), "");
  put16(message, message.size() - 2, 500);  // ByteCount past the end
  s.client(frame(message));
  s.client(frame(smb1(0xa2, false, 0, 0x8000, std::string(4, '\0'), "ab")));  // too few words
  s.client(frame(std::string("\xffSMB", 4) + std::string(10, '\0')));         // short header
  s.end();
  EXPECT_EQ(s.out.events.size(), 2u);
  EXPECT_EQ(s.counters.smb_malformed.get(), 3u);
}

TEST(SmbDissector, WantsMoreAndNoHost) {
  Session s;
  EXPECT_TRUE(s.dissector->wants_more());
  EXPECT_TRUE(s.dissector->host().empty());
}

}  // namespace
}  // namespace mld::app
