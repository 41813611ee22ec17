#include "output/cic_csv_writer.h"

#include <initializer_list>

#include "output/iso_time.h"
#include "output/number_format.h"

namespace mld::output {
namespace {

void append_address(TextBuffer& out, const decode::IpAddress& address, decode::IpVersion version) {
  char* p = out.reserve(decode::IpAddress::kMaxTextLength);
  out.advance(address.format(version, p));
}

void append_integer(TextBuffer& out, std::int64_t value) {
  char* p = out.reserve(kMaxNumberLength);
  out.advance(format_integer(value, p));
}

// Spec 2.3: "YYYY-MM-DD HH:MM:SS.ffffff", UTC.
void append_timestamp(TextBuffer& out, Micros time) {
  char* p = out.reserve(kMaxTimeLength);
  out.advance(format_time(time, TimeStyle::csv, p));
}

enum class Identifier { src_ip, dst_ip, src_port, dst_port, protocol };

void append_identifiers(TextBuffer& out, const flow::FlowRecord& r,
                        std::initializer_list<Identifier> identifiers, char separator) {
  bool first = true;
  for (const Identifier identifier : identifiers) {
    if (!first) out.push_back(separator);
    first = false;
    switch (identifier) {
      case Identifier::src_ip: append_address(out, r.src_ip, r.ip_version); break;
      case Identifier::dst_ip: append_address(out, r.dst_ip, r.ip_version); break;
      case Identifier::src_port: append_integer(out, r.src_port); break;
      case Identifier::dst_port: append_integer(out, r.dst_port); break;
      case Identifier::protocol: append_integer(out, r.protocol); break;
    }
  }
}

}  // namespace

void CicCsvWriter::append_header(TextBuffer& out) const {
  out.append("Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp");
  for (const flow::CicColumnInfo& column : flow::kCicColumns) {
    out.push_back(',');
    out.append(column.csv_name);
  }
  out.push_back('\n');
}

void CicCsvWriter::append_row(const flow::FlowRecord& r, TextBuffer& out) const {
  using enum Identifier;
  append_identifiers(out, r, {src_ip, dst_ip, src_port, dst_port, protocol}, '-');  // Flow ID (D5)
  out.push_back(',');
  append_identifiers(out, r, {src_ip, src_port, dst_ip, dst_port, protocol}, ',');
  out.push_back(',');
  append_timestamp(out, r.start);

  const flow::CicValues values = r.features.values(r.cic_context(), profile_);
  for (const flow::CicValue& value : values) {
    char* p = out.reserve(kMaxNumberLength + 1);
    *p = ',';
    out.advance(1 + (value.is_float ? format_double(value.real, p + 1)
                                    : format_integer(value.integer, p + 1)));
  }
  out.push_back('\n');
}

}  // namespace mld::output
