#include "app/dns_message.h"

#include <string>
#include <vector>

#include "app/dns_codes.h"
#include "app/dns_name.h"
#include "decode/ip_address.h"

namespace mld::app::dns {
namespace {

constexpr std::uint16_t kFlagResponse = 0x8000;
constexpr std::size_t kQuestionFixedBytes = 4;  // type, class
constexpr std::size_t kRecordFixedBytes = 10;   // type, class, ttl, rdlength

// The record types whose data is written out.
namespace rrtype {
constexpr std::uint16_t a = 1;
constexpr std::uint16_t ns = 2;
constexpr std::uint16_t cname = 5;
constexpr std::uint16_t soa = 6;
constexpr std::uint16_t ptr = 12;
constexpr std::uint16_t mx = 15;
constexpr std::uint16_t txt = 16;
constexpr std::uint16_t aaaa = 28;
constexpr std::uint16_t srv = 33;
}  // namespace rrtype

std::string dotted_quad(const std::uint8_t* bytes) {
  std::string text;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) text.push_back('.');
    text += std::to_string(bytes[i]);
  }
  return text;
}

// Reads one message front to back. Any fault inside a record's data is
// confined to that record (its length frames it); a fault in the framing
// itself ends the reading.
class MessageReader {
 public:
  MessageReader(Bytes message, DnsEvent& event, AppCounters& counters)
      : message_(message), event_(event), counters_(counters) {}

  ParseResult run() {
    if (message_.size() < kHeaderBytes) {
      counters_.dns_malformed.add();
      return ParseResult::no_header;
    }
    const bool framed = read_sections();
    if (truncated_) counters_.events_truncated.add();
    if (framed && !malformed_) return ParseResult::complete;
    counters_.dns_malformed.add();
    return ParseResult::partial;
  }

 private:
  bool read_sections() {
    event_.id = be16(0);
    event_.flags = be16(2);
    event_.response = (event_.flags & kFlagResponse) != 0;
    event_.opcode = static_cast<std::uint8_t>(event_.flags >> 11 & 0xf);
    if (event_.response) event_.rcode = rcode_name(static_cast<std::uint8_t>(event_.flags & 0xf));
    pos_ = kHeaderBytes;
    return read_questions(be16(4)) && read_records(be16(6), event_.answers) &&
           read_records(be16(8), event_.authorities);
  }

  bool read_questions(std::uint16_t count) {
    for (std::uint16_t i = 0; i < count; ++i) {
      DnsQuery query;
      if (!read_owner_name(query.rrname) || !has(pos_, kQuestionFixedBytes)) return false;
      query.rrtype = rrtype_name(be16(pos_));
      pos_ += kQuestionFixedBytes;
      keep(std::move(query), event_.queries);
    }
    return true;
  }

  bool read_records(std::uint16_t count, std::vector<DnsAnswer>& section) {
    for (std::uint16_t i = 0; i < count; ++i) {
      DnsAnswer record;
      if (!read_owner_name(record.rrname) || !has(pos_, kRecordFixedBytes)) return false;
      const std::uint16_t type = be16(pos_);
      record.rrtype = rrtype_name(type);
      record.ttl = be32(pos_ + 4);
      const std::size_t rdata = pos_ + kRecordFixedBytes;
      const std::size_t rdata_end = rdata + be16(pos_ + 8);
      if (rdata_end > message_.size()) return false;
      // Records past the limit are still walked over to reach the next section.
      if (section.size() < kMaxRecordsPerSection) record.rdata = read_rdata(type, rdata, rdata_end);
      pos_ = rdata_end;
      keep(std::move(record), section);
    }
    return true;
  }

  template <typename Entry>
  void keep(Entry entry, std::vector<Entry>& section) {
    if (section.size() < kMaxRecordsPerSection) {
      section.push_back(std::move(entry));
    } else {
      truncated_ = true;
    }
  }

  // A record's or question's own name: false when the message cannot be read past it.
  bool read_owner_name(std::string& text) {
    WireName name = read_name(message_, pos_);
    if (name.status == NameStatus::bad) counters_.dns_bad_names.add();
    text = std::move(name.text);
    if (name.status == NameStatus::unterminated) return false;
    pos_ = name.end;
    return true;
  }

  std::string read_rdata(std::uint16_t type, std::size_t start, std::size_t end) {
    const std::size_t length = end - start;
    // Empty data is legitimate for any type (RFC 2136 UPDATE deletes, inverse queries).
    if (length == 0) return {};
    switch (type) {
      case rrtype::a:
        if (length == 4) return dotted_quad(message_.data() + start);
        break;
      case rrtype::aaaa:
        if (length == 16) {
          return decode::IpAddress::from_v6(message_.data() + start)
              .to_string(decode::IpVersion::v6);
        }
        break;
      case rrtype::ns:
      case rrtype::cname:
      case rrtype::ptr:
      case rrtype::soa:  // MNAME comes first
        return read_rdata_name(start, end);
      case rrtype::mx:  // after the 2-byte preference
        if (length > 2) return read_rdata_name(start + 2, end);
        break;
      case rrtype::srv:  // after priority, weight and port
        if (length > 6) return read_rdata_name(start + 6, end);
        break;
      case rrtype::txt:
        return read_character_strings(start, end);
      default:
        return {};
    }
    malformed_ = true;
    return {};
  }

  std::string read_rdata_name(std::size_t start, std::size_t end) {
    WireName name = read_name(message_, start);
    if (name.status == NameStatus::bad) counters_.dns_bad_names.add();
    if (name.status == NameStatus::unterminated || name.end > end) malformed_ = true;
    return std::move(name.text);
  }

  // TXT: the character-strings one after the other, joined without separator.
  std::string read_character_strings(std::size_t start, std::size_t end) {
    std::string text;
    std::size_t pos = start;
    while (pos < end) {
      const std::size_t length = message_[pos++];
      if (length > end - pos) {
        malformed_ = true;
        break;
      }
      append_capped(text, pos, length);
      pos += length;
    }
    return text;
  }

  void append_capped(std::string& text, std::size_t pos, std::size_t length) {
    const std::size_t room = kMaxRdataTextBytes - text.size();
    if (length > room) {
      truncated_ = true;
      length = room;
    }
    text.append(reinterpret_cast<const char*>(message_.data()) + pos, length);
  }

  bool has(std::size_t offset, std::size_t n) const {
    return offset <= message_.size() && n <= message_.size() - offset;
  }
  std::uint16_t be16(std::size_t offset) const {
    return static_cast<std::uint16_t>(message_[offset] << 8 | message_[offset + 1]);
  }
  std::uint32_t be32(std::size_t offset) const {
    return std::uint32_t{be16(offset)} << 16 | be16(offset + 2);
  }

  Bytes message_;
  DnsEvent& event_;
  AppCounters& counters_;
  std::size_t pos_ = 0;
  bool malformed_ = false;  // a record's data did not match its type
  bool truncated_ = false;  // an entry or text was left out for the limits
};

}  // namespace

ParseResult parse_dns_message(Bytes message, DnsEvent& event, AppCounters& counters) {
  return MessageReader(message, event, counters).run();
}

}  // namespace mld::app::dns
