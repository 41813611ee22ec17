#include "app/gquic_chlo.h"

#include <algorithm>
#include <string_view>

#include "app/quic_cursor.h"

namespace mld::app::quic {
namespace {

constexpr std::size_t kHeaderLength = 8;  // tag, entry count, padding
constexpr std::size_t kEntryLength = 8;   // tag, end offset

}  // namespace

bool starts_with_chlo_tag(Bytes prefix) {
  return prefix.size() >= 4 && as_text(prefix.first(4)) == "CHLO";
}

SizeSoFar chlo_size(Bytes prefix) {
  Cursor cursor(prefix);
  std::uint64_t entries = 0;
  if (!cursor.skip(4) || !cursor.le(2, entries) || !cursor.skip(2)) return {kHeaderLength, false};
  const std::uint64_t table_end = kHeaderLength + kEntryLength * entries;
  // The values end where the furthest entry says (the last one, unless the
  // table is out of order: then parse_chlo reports it, with all values held).
  std::uint64_t values_end = 0;
  for (std::uint64_t i = 0; i < entries; ++i) {
    std::uint64_t end = 0;
    if (!cursor.skip(4) || !cursor.le(4, end)) return {table_end, false};
    values_end = std::max(values_end, end);
  }
  return {table_end + values_end, true};
}

bool parse_chlo(Bytes message, Chlo& chlo) {
  Cursor cursor(message);
  std::uint64_t entries = 0;
  if (!starts_with_chlo_tag(message) || !cursor.skip(4) || !cursor.le(2, entries) ||
      !cursor.skip(2)) {
    return false;
  }
  Bytes table;
  Bytes values;
  if (!cursor.take(kEntryLength * entries, table)) return false;
  values = cursor.rest();
  Cursor entry(table);
  std::uint64_t start = 0;
  for (std::uint64_t i = 0; i < entries; ++i) {
    Bytes tag;
    std::uint64_t end = 0;
    entry.take(4, tag);
    entry.le(4, end);
    if (end < start || end > values.size()) return false;
    const Bytes value = values.subspan(start, end - start);
    if (as_text(tag) == std::string_view("SNI\0", 4)) chlo.sni.assign(value.begin(), value.end());
    if (as_text(tag) == "UAID") chlo.user_agent.assign(value.begin(), value.end());
    start = end;
  }
  return true;
}

}  // namespace mld::app::quic
