#include "app/smb.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/smb_names.h"

namespace mld::app {
namespace {

using flow::Direction;

// ---------------------------------------------------------------------------
// Byte access

// Little-endian reads over one message; a read outside it gives 0 (callers
// test has() first, but a forgotten test can never read out of bounds).
class LeBytes {
 public:
  explicit LeBytes(Bytes bytes) : bytes_(bytes) {}

  std::size_t size() const { return bytes_.size(); }
  bool has(std::size_t offset, std::size_t n) const {
    return offset <= bytes_.size() && n <= bytes_.size() - offset;
  }
  std::uint8_t u8(std::size_t offset) const { return has(offset, 1) ? bytes_[offset] : 0; }
  std::uint16_t u16(std::size_t offset) const {
    return has(offset, 2) ? static_cast<std::uint16_t>(bytes_[offset] | bytes_[offset + 1] << 8)
                          : 0;
  }
  std::uint32_t u32(std::size_t offset) const {
    return has(offset, 4) ? u16(offset) | std::uint32_t{u16(offset + 2)} << 16 : 0;
  }
  std::uint64_t u64(std::size_t offset) const {
    return has(offset, 8) ? u32(offset) | std::uint64_t{u32(offset + 4)} << 32 : 0;
  }
  // The bytes [offset, offset + n), or nullopt when they are not all there.
  std::optional<Bytes> slice(std::size_t offset, std::size_t n) const {
    if (n == 0) return Bytes();  // an empty field may carry any offset
    if (!has(offset, n)) return std::nullopt;
    return bytes_.subspan(offset, n);
  }
  Bytes from(std::size_t offset) const { return has(offset, 0) ? bytes_.subspan(offset) : Bytes(); }

 private:
  Bytes bytes_;
};

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xc0 | code_point >> 6);
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xe0 | code_point >> 12);
    out += static_cast<char>(0x80 | (code_point >> 6 & 0x3f));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | code_point >> 18);
    out += static_cast<char>(0x80 | (code_point >> 12 & 0x3f));
    out += static_cast<char>(0x80 | (code_point >> 6 & 0x3f));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  }
}

constexpr std::uint32_t kReplacement = 0xfffd;

// A name from traffic, as UTF-8 (from UTF-16) or raw bytes (SMB1 OEM strings);
// `cut` when more was there than its bound.
struct Name {
  std::string text;
  bool cut = false;
};

// UTF-16LE up to its first NUL (SMB1 strings end with one, SMB2 names should
// have none). Unpaired surrogates and an odd last byte become U+FFFD.
Name utf16le_name(Bytes raw) {
  const LeBytes le(raw);
  const std::size_t units = raw.size() / 2;
  Name name;
  for (std::size_t i = 0; i < units; ++i) {
    if (i == smb::kMaxNameUnits) {
      name.cut = true;
      return name;
    }
    std::uint32_t unit = le.u16(2 * i);
    if (unit == 0) return name;
    const std::uint32_t next = i + 1 < units ? le.u16(2 * i + 2) : 0;
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      unit = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
      ++i;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      unit = kReplacement;
    }
    append_utf8(name.text, unit);
  }
  if (raw.size() % 2 != 0) append_utf8(name.text, kReplacement);
  return name;
}

// A NUL-terminated 8-bit (OEM) string of SMB1, kept as raw bytes, at most `max_bytes`.
Name oem_name(Bytes raw, std::size_t max_bytes = smb::kMaxNameUnits) {
  const auto end = std::find(raw.begin(), raw.end(), std::uint8_t{0});
  const auto length = static_cast<std::size_t>(end - raw.begin());
  Name name;
  name.cut = length > max_bytes;
  name.text.assign(reinterpret_cast<const char*>(raw.data()), std::min(length, max_bytes));
  return name;
}

// ---------------------------------------------------------------------------
// NetBIOS session service framing

constexpr std::uint8_t kSessionMessage = 0x00;
constexpr std::size_t kFrameHeaderBytes = 4;
// A frame header and the protocol id that follows it: what resynchronisation looks for.
constexpr std::size_t kSyncWindowBytes = 8;
// The smallest SMB header (SMB1); shorter messages never start a resynchronised stream.
constexpr std::size_t kMinSyncMessageBytes = 32;

bool is_session_service_packet(std::uint8_t type) {
  // Session request, positive and negative response, retarget, keep-alive (RFC 1002 4.3).
  return type >= 0x81 && type <= 0x85;
}

// SMB1 0xff, SMB2/3 0xfe, SMB3 transform 0xfd, SMB3 compression 0xfc, then "SMB".
bool is_smb_protocol_id(const std::uint8_t* p) {
  return p[0] >= 0xfc && p[1] == 'S' && p[2] == 'M' && p[3] == 'B';
}

// Splits one direction into session messages (RFC 1002 4.3.1; MS-SMB2 2.1
// writes the length on 24 bits) and hands each SMB message on.
class Framer {
 public:
  explicit Framer(AppCounters& counters) : counters_(counters) {}

  // Calls on_message(message, cut) for each message completed in `data`;
  // `cut`: the message was longer than kMaxMessageBytes.
  template <typename OnMessage>
  void consume(Bytes data, OnMessage&& on_message) {
    while (!data.empty()) {
      switch (stage_) {
        case Stage::header:
          data = take_header(data);
          break;
        case Stage::body:
          data = take_body(data, on_message);
          break;
        case Stage::skip:
          data = skip(data);
          break;
        case Stage::resync:
          data = resync(data);
          break;
      }
    }
  }

  // `length` bytes were lost: harmless inside skipped data, else resynchronise.
  void lose(std::uint64_t length) {
    if (stage_ == Stage::skip && length <= skip_left_) {
      skip_left_ -= length;
      if (skip_left_ == 0) stage_ = Stage::header;
      return;
    }
    start_resync();
  }

 private:
  enum class Stage { header, body, skip, resync };

  Bytes take_header(Bytes data) {
    const std::size_t n = std::min(data.size(), kFrameHeaderBytes - header_fill_);
    std::copy_n(data.begin(), n, header_.begin() + header_fill_);
    header_fill_ += n;
    if (header_fill_ == kFrameHeaderBytes) begin_frame();
    return data.subspan(n);
  }

  void begin_frame() {
    header_fill_ = 0;
    const std::uint32_t length = std::uint32_t{header_[1]} << 16 | header_[2] << 8 | header_[3];
    if (header_[0] == kSessionMessage && length >= 4) return begin_message(length, {});
    if (header_[0] != kSessionMessage && is_session_service_packet(header_[0])) {
      skip_left_ = length;
      stage_ = length == 0 ? Stage::header : Stage::skip;
      return;
    }
    malformed();
  }

  void begin_message(std::uint32_t length, Bytes start) {
    message_length_ = length;
    body_.assign(start.begin(), start.end());
    stage_ = Stage::body;
  }

  template <typename OnMessage>
  Bytes take_body(Bytes data, OnMessage& on_message) {
    const std::size_t wanted = std::min<std::size_t>(message_length_, smb::kMaxMessageBytes);
    const std::size_t n = std::min(data.size(), wanted - body_.size());
    const bool id_checked = body_.size() >= 4;
    body_.insert(body_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    data = data.subspan(n);
    if (!id_checked && body_.size() >= 4 && !is_smb_protocol_id(body_.data())) {
      malformed();
      return data;
    }
    if (body_.size() < wanted) return data;
    skip_left_ = message_length_ - wanted;
    stage_ = skip_left_ == 0 ? Stage::header : Stage::skip;
    on_message(Bytes(body_), skip_left_ > 0);
    return data;
  }

  Bytes skip(Bytes data) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), skip_left_));
    skip_left_ -= n;
    if (skip_left_ == 0) stage_ = Stage::header;
    return data.subspan(n);
  }

  // Slides a window over the bytes until it holds a session message header
  // followed by an SMB protocol id.
  Bytes resync(Bytes data) {
    for (std::size_t i = 0; i < data.size(); ++i) {
      if (window_fill_ == kSyncWindowBytes) {
        std::copy(window_.begin() + 1, window_.end(), window_.begin());
        --window_fill_;
      }
      window_[window_fill_++] = data[i];
      if (window_fill_ < kSyncWindowBytes || window_[0] != kSessionMessage ||
          !is_smb_protocol_id(&window_[4])) {
        continue;
      }
      const std::uint32_t length = std::uint32_t{window_[1]} << 16 | window_[2] << 8 | window_[3];
      if (length < kMinSyncMessageBytes) continue;
      window_fill_ = 0;
      begin_message(length, Bytes(window_).subspan(kFrameHeaderBytes));
      return data.subspan(i + 1);
    }
    return {};
  }

  void malformed() {
    counters_.smb_malformed.add();
    start_resync();
  }

  void start_resync() {
    stage_ = Stage::resync;
    header_fill_ = 0;
    window_fill_ = 0;
    body_.clear();
  }

  AppCounters& counters_;
  Stage stage_ = Stage::header;
  std::array<std::uint8_t, kFrameHeaderBytes> header_{};
  std::size_t header_fill_ = 0;
  std::uint32_t message_length_ = 0;
  std::vector<std::uint8_t> body_;  // the message's first kMaxMessageBytes at most
  std::uint64_t skip_left_ = 0;
  std::array<std::uint8_t, kSyncWindowBytes> window_{};
  std::size_t window_fill_ = 0;
};

// ---------------------------------------------------------------------------
// SMB headers and the request fields the events carry

// MS-SMB2 2.2.1
constexpr std::size_t kSmb2HeaderBytes = 64;
constexpr std::uint32_t kSmb2FlagResponse = 0x1;
constexpr std::uint32_t kSmb2FlagAsync = 0x2;
constexpr std::uint32_t kSmb2FlagRelated = 0x4;
constexpr std::uint64_t kSmb2InheritSession = ~std::uint64_t{0};
constexpr std::uint32_t kSmb2InheritTree = ~std::uint32_t{0};

constexpr std::uint16_t kSmb2Negotiate = 0x00;
constexpr std::uint16_t kSmb2TreeConnect = 0x03;
constexpr std::uint16_t kSmb2TreeDisconnect = 0x04;
constexpr std::uint16_t kSmb2Create = 0x05;
constexpr std::uint16_t kSmb2Cancel = 0x0c;

constexpr std::uint32_t kStatusSuccess = 0x00000000;
constexpr std::uint32_t kStatusPending = 0x00000103;

struct Smb2Header {
  std::uint32_t status = 0;
  std::uint16_t command = 0;
  std::uint32_t flags = 0;
  std::uint32_t next_command = 0;
  std::uint64_t message_id = 0;
  std::optional<std::uint32_t> tree_id;  // absent from async headers
  std::uint64_t session_id = 0;

  bool response() const { return (flags & kSmb2FlagResponse) != 0; }
};

std::optional<Smb2Header> parse_smb2_header(const LeBytes& m) {
  if (!m.has(0, kSmb2HeaderBytes) || m.u8(0) != 0xfe || m.u16(4) != kSmb2HeaderBytes) {
    return std::nullopt;
  }
  Smb2Header h;
  h.status = m.u32(8);
  h.command = m.u16(12);
  h.flags = m.u32(16);
  h.next_command = m.u32(20);
  h.message_id = m.u64(24);
  if ((h.flags & kSmb2FlagAsync) == 0) h.tree_id = m.u32(36);
  h.session_id = m.u64(40);
  return h;
}

// MS-CIFS 2.2.3.1
constexpr std::size_t kSmb1HeaderBytes = 32;
constexpr std::uint8_t kSmb1FlagReply = 0x80;
constexpr std::uint16_t kSmb1Flags2NtStatus = 0x4000;
constexpr std::uint16_t kSmb1Flags2Unicode = 0x8000;

constexpr std::uint8_t kSmb1TreeDisconnect = 0x71;
constexpr std::uint8_t kSmb1Negotiate = 0x72;
constexpr std::uint8_t kSmb1TreeConnectAndx = 0x75;
constexpr std::uint8_t kSmb1NtCreateAndx = 0xa2;
constexpr std::uint8_t kSmb1NtCancel = 0xa4;

struct Smb1Header {
  std::uint8_t command = 0;
  std::uint32_t status = 0;  // NTSTATUS, or DOS error class, reserved byte, code
  std::uint8_t flags = 0;
  std::uint16_t flags2 = 0;
  std::uint16_t tid = 0, uid = 0, mid = 0;
  std::uint32_t pid = 0;  // PIDHigh and PIDLow

  bool reply() const { return (flags & kSmb1FlagReply) != 0; }
  bool unicode() const { return (flags2 & kSmb1Flags2Unicode) != 0; }
};

std::optional<Smb1Header> parse_smb1_header(const LeBytes& m) {
  if (!m.has(0, kSmb1HeaderBytes)) return std::nullopt;
  Smb1Header h;
  h.command = m.u8(4);
  h.status = m.u32(5);
  h.flags = m.u8(9);
  h.flags2 = m.u16(10);
  h.pid = std::uint32_t{m.u16(12)} << 16 | m.u16(26);
  h.tid = m.u16(24);
  h.uid = m.u16(28);
  h.mid = m.u16(30);
  return h;
}

// The parameter words and data bytes after an SMB1 header; offsets are from
// the header's start, as Unicode alignment is.
struct Smb1Blocks {
  std::size_t words = 0, word_count = 0;
  std::size_t bytes = 0, byte_count = 0;
};

std::optional<Smb1Blocks> parse_smb1_blocks(const LeBytes& m) {
  Smb1Blocks b;
  b.word_count = m.u8(kSmb1HeaderBytes);
  b.words = kSmb1HeaderBytes + 1;
  const std::size_t count_at = b.words + 2 * b.word_count;
  if (!m.has(kSmb1HeaderBytes, 1) || !m.has(count_at, 2)) return std::nullopt;
  b.byte_count = m.u16(count_at);
  b.bytes = count_at + 2;
  if (!m.has(b.bytes, b.byte_count)) return std::nullopt;
  return b;
}

// Where a string of an SMB1 data block starts: Unicode ones on an even offset.
std::size_t smb1_string_start(const Smb1Header& h, std::size_t offset) {
  return h.unicode() && offset % 2 != 0 ? offset + 1 : offset;
}

// The string in [start, end) of an SMB1 message, up to its NUL.
Name smb1_string(const LeBytes& m, const Smb1Header& h, std::size_t start, std::size_t end) {
  const Bytes tail = m.from(start);
  const Bytes raw = start < end ? tail.first(std::min(end - start, tail.size())) : Bytes();
  return h.unicode() ? utf16le_name(raw) : oem_name(raw);
}

// ---------------------------------------------------------------------------
// Transactions

// Where a parse fault comes from: our own cut of a long message, or the traffic.
enum class Fault { malformed, cut };

struct Transaction {
  std::uint64_t id = 0;
  int version = 2;
  std::uint64_t key = 0;  // SMB2 MessageId; SMB1 PID and MID
  std::uint16_t command = 0;
  Direction request_side = Direction::forward;
  std::optional<std::uint64_t> session_id;
  std::optional<std::uint32_t> tree_id;
  std::string share;     // TREE_CONNECT path (others look their tree up when emitted)
  std::string filename;  // CREATE name
  std::vector<std::string> smb1_dialects;  // of an SMB1 NEGOTIATE request
};

struct Tree {
  std::uint64_t session_id = 0;
  std::uint32_t tree_id = 0;
  std::string share;
};

// Where the current message came from, and where its events go.
struct Context {
  Direction side;
  Micros timestamp;
  EventOut& out;
  bool cut;  // the message was longer than kMaxMessageBytes
};

std::uint64_t smb1_key(const Smb1Header& h) { return std::uint64_t{h.pid} << 16 | h.mid; }

class SmbSession {
 public:
  explicit SmbSession(AppCounters& counters) : counters_(counters) {}

  void on_message(Bytes message, const Context& context) {
    switch (message[0]) {
      case 0xfe:
        return on_smb2_message(message, context);
      case 0xff:
        return on_smb1_message(LeBytes(message), context);
      default:
        return;  // encrypted or compressed: nothing readable
    }
  }

  void on_flow_end(Micros timestamp, EventOut& out) {
    for (const Transaction& t : pending_) emit(t, std::nullopt, t.request_side, timestamp, out);
    pending_.clear();
  }

 private:
  // --- SMB2

  void on_smb2_message(Bytes message, const Context& context) {
    std::optional<Smb2Header> previous;
    std::size_t offset = 0;
    for (;;) {
      const LeBytes element(message.subspan(offset));
      std::optional<Smb2Header> header = parse_smb2_header(element);
      if (!header) return missing_field(context);
      if (previous) inherit_related(*header, *previous);
      // The next header starts 8-byte aligned after this one (MS-SMB2 3.2.4.1.4).
      const std::uint32_t next = header->next_command;
      const bool aligned = next % 8 == 0 && next >= kSmb2HeaderBytes;
      const bool last = next == 0 || !aligned || next >= element.size();
      const Bytes bytes = message.subspan(offset, last ? element.size() : next);
      on_smb2(LeBytes(bytes), *header,
              Context{context.side, context.timestamp, context.out, context.cut && last});
      if (next == 0) return;
      if (!aligned) return fault(Fault::malformed);
      if (last) return missing_field(context);
      offset += next;
      previous = header;
    }
  }

  // Related compounded operations may leave their ids to the previous one.
  static void inherit_related(Smb2Header& header, const Smb2Header& previous) {
    if ((header.flags & kSmb2FlagRelated) == 0) return;
    if (header.session_id == kSmb2InheritSession) header.session_id = previous.session_id;
    if (header.tree_id == kSmb2InheritTree) header.tree_id = previous.tree_id;
  }

  void on_smb2(const LeBytes& m, const Smb2Header& h, const Context& context) {
    if (!h.response()) return on_smb2_request(m, h, context);
    // An interim answer: the final one follows with the same MessageId.
    if (h.status == kStatusPending && (h.flags & kSmb2FlagAsync) != 0) return;
    std::optional<Transaction> request = take_pending(2, h.message_id);
    // A multi-protocol negotiate: an SMB1 NEGOTIATE answered by SMB2 (MS-SMB2 3.3.5.3).
    if (!request && h.command == kSmb2Negotiate) request = take_smb1_negotiate();
    Transaction t = request ? std::move(*request) : new_transaction(2, h.message_id, h.command);
    // The server's ids: it assigns sessions and trees, and echoes them otherwise.
    t.session_id = h.session_id;
    if (h.tree_id) t.tree_id = h.tree_id;
    if (t.share.empty()) t.share = share_of(t);  // before a TREE_DISCONNECT forgets it
    if (h.status == kStatusSuccess) smb2_success(m, h, t, context);
    emit(t, h.status, context.side, context.timestamp, context.out);
  }

  void on_smb2_request(const LeBytes& m, const Smb2Header& h, const Context& context) {
    Transaction t = new_transaction(2, h.message_id, h.command);
    t.request_side = context.side;
    t.session_id = h.session_id;
    t.tree_id = h.tree_id;
    if (h.command == kSmb2TreeConnect) t.share = smb2_tree_connect_path(m, context);
    if (h.command == kSmb2Create) t.filename = smb2_create_name(m, context);
    // A CANCEL gets no response, and shares its MessageId with what it cancels.
    if (h.command == kSmb2Cancel) {
      return emit(t, std::nullopt, context.side, context.timestamp, context.out);
    }
    add_pending(std::move(t), context);
  }

  // What a successful response changes in the session. `t` is SMB2 but for an
  // SMB1 NEGOTIATE answered by SMB2.
  void smb2_success(const LeBytes& m, const Smb2Header& h, const Transaction& t,
                    const Context& context) {
    if (h.command == kSmb2Negotiate && is_negotiate(t)) return read_smb2_dialect(m, context);
    if (t.command == kSmb2TreeConnect) remember_tree(t);
    if (t.command == kSmb2TreeDisconnect) forget_tree(t);
  }

  static bool is_negotiate(const Transaction& t) {
    return t.command == (t.version == 1 ? kSmb1Negotiate : kSmb2Negotiate);
  }

  // NEGOTIATE response: StructureSize (2), SecurityMode (2), DialectRevision (2).
  void read_smb2_dialect(const LeBytes& m, const Context& context) {
    if (!m.has(kSmb2HeaderBytes, 6)) return missing_field(context);
    dialect_ = smb::smb2_dialect_name(m.u16(kSmb2HeaderBytes + 4));
  }

  // TREE_CONNECT request: StructureSize (2), Flags (2), PathOffset (2), PathLength (2).
  std::string smb2_tree_connect_path(const LeBytes& m, const Context& context) {
    return smb2_name(m, m.u16(kSmb2HeaderBytes + 4), m.u16(kSmb2HeaderBytes + 6),
                     m.has(kSmb2HeaderBytes, 8), context);
  }

  // CREATE request: NameOffset and NameLength at 44 and 46 of its 56 fixed bytes.
  std::string smb2_create_name(const LeBytes& m, const Context& context) {
    return smb2_name(m, m.u16(kSmb2HeaderBytes + 44), m.u16(kSmb2HeaderBytes + 46),
                     m.has(kSmb2HeaderBytes, 48), context);
  }

  // A UTF-16LE name at `offset` from the header's start, `length` bytes long.
  std::string smb2_name(const LeBytes& m, std::size_t offset, std::size_t length, bool fixed_part,
                        const Context& context) {
    const std::optional<Bytes> raw = fixed_part ? m.slice(offset, length) : std::nullopt;
    if (!raw) {
      missing_field(context);
      return {};
    }
    return checked(utf16le_name(*raw));
  }

  // --- SMB1

  void on_smb1_message(const LeBytes& m, const Context& context) {
    const std::optional<Smb1Header> h = parse_smb1_header(m);
    if (!h) return missing_field(context);
    if (!h->reply()) return on_smb1_request(m, *h, context);
    std::optional<Transaction> request = take_pending(1, smb1_key(*h));
    Transaction t = request ? std::move(*request) : new_transaction(1, smb1_key(*h), h->command);
    t.session_id = h->uid;
    t.tree_id = h->tid;
    const bool nt_status = (h->flags2 & kSmb1Flags2NtStatus) != 0;
    if (t.share.empty()) t.share = share_of(t);  // before a TREE_DISCONNECT forgets it
    if (h->status == kStatusSuccess) smb1_success(m, *h, t, context);
    emit(t, h->status, context.side, context.timestamp, context.out, nt_status);
  }

  void on_smb1_request(const LeBytes& m, const Smb1Header& h, const Context& context) {
    Transaction t = new_transaction(1, smb1_key(h), h.command);
    t.request_side = context.side;
    t.session_id = h.uid;
    t.tree_id = h.tid;
    const std::optional<Smb1Blocks> blocks = parse_smb1_blocks(m);
    if (!blocks) {
      missing_field(context);
    } else if (h.command == kSmb1Negotiate) {
      t.smb1_dialects = smb1_dialects(m, *blocks);
    } else if (h.command == kSmb1TreeConnectAndx) {
      t.share = smb1_tree_connect_path(m, h, *blocks);
    } else if (h.command == kSmb1NtCreateAndx) {
      t.filename = smb1_create_name(m, h, *blocks);
    }
    if (h.command == kSmb1NtCancel) {
      return emit(t, std::nullopt, context.side, context.timestamp, context.out);
    }
    add_pending(std::move(t), context);
  }

  void smb1_success(const LeBytes& m, const Smb1Header& h, const Transaction& t,
                    const Context& context) {
    if (t.command == kSmb1TreeDisconnect) forget_tree(t);
    if (t.command == kSmb1TreeConnectAndx) remember_tree(t);
    if (t.command != kSmb1Negotiate || h.command != kSmb1Negotiate) return;
    // The response's first parameter word is the index of the chosen dialect.
    const std::optional<Smb1Blocks> blocks = parse_smb1_blocks(m);
    if (!blocks || blocks->word_count < 1) return missing_field(context);
    const std::uint16_t index = m.u16(blocks->words);
    if (index < t.smb1_dialects.size()) dialect_ = t.smb1_dialects[index];
  }

  // NEGOTIATE request data: dialects, each 0x02 then a NUL-terminated string.
  std::vector<std::string> smb1_dialects(const LeBytes& m, const Smb1Blocks& b) {
    std::vector<std::string> dialects;
    const Bytes data = m.from(b.bytes).first(b.byte_count);
    auto at = data.begin();
    while (at != data.end() && *at == 0x02 && dialects.size() < smb::kMaxSmb1Dialects) {
      const auto end = std::find(at + 1, data.end(), std::uint8_t{0});
      dialects.push_back(checked(oem_name(Bytes(at + 1, end), smb::kMaxSmb1DialectBytes)));
      at = end == data.end() ? end : end + 1;
    }
    return dialects;
  }

  // TREE_CONNECT_ANDX request: PasswordLength in word 3, then password and path.
  std::string smb1_tree_connect_path(const LeBytes& m, const Smb1Header& h, const Smb1Blocks& b) {
    const std::size_t password_length = m.u16(b.words + 6);
    if (b.word_count < 4 || password_length > b.byte_count) {
      fault(Fault::malformed);
      return {};
    }
    const std::size_t start = smb1_string_start(h, b.bytes + password_length);
    return checked(smb1_string(m, h, start, b.bytes + b.byte_count));
  }

  // NT_CREATE_ANDX request: NameLength at byte 5 of its 24 words; the name opens the data.
  std::string smb1_create_name(const LeBytes& m, const Smb1Header& h, const Smb1Blocks& b) {
    if (b.word_count < 24) {
      fault(Fault::malformed);
      return {};
    }
    const std::size_t start = smb1_string_start(h, b.bytes);
    const std::size_t end = std::min(b.bytes + b.byte_count, start + m.u16(b.words + 5));
    return checked(smb1_string(m, h, start, end));
  }

  // --- Bookkeeping

  Transaction new_transaction(int version, std::uint64_t key, std::uint16_t command) {
    Transaction t;
    t.id = ++last_id_;
    t.version = version;
    t.key = key;
    t.command = command;
    return t;
  }

  void add_pending(Transaction t, const Context& context) {
    // A reused id: the earlier request will get no response of its own.
    if (std::optional<Transaction> old = take_pending(t.version, t.key)) {
      emit(*old, std::nullopt, context.side, context.timestamp, context.out);
    }
    if (pending_.size() == smb::kMaxPendingRequests) {
      emit(pending_.front(), std::nullopt, context.side, context.timestamp, context.out);
      pending_.pop_front();
    }
    pending_.push_back(std::move(t));
  }

  std::optional<Transaction> take_pending(int version, std::uint64_t key) {
    const auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Transaction& t) {
      return t.version == version && t.key == key;
    });
    if (it == pending_.end()) return std::nullopt;
    Transaction t = std::move(*it);
    pending_.erase(it);
    return t;
  }

  std::optional<Transaction> take_smb1_negotiate() {
    const auto it = std::find_if(pending_.begin(), pending_.end(), [](const Transaction& t) {
      return t.version == 1 && t.command == kSmb1Negotiate;
    });
    if (it == pending_.end()) return std::nullopt;
    return take_pending(1, it->key);
  }

  void remember_tree(const Transaction& t) {
    if (!t.tree_id || t.share.empty()) return;
    forget_tree(t);
    if (trees_.size() == smb::kMaxTrees) trees_.pop_front();  // the oldest connection goes
    trees_.push_back(Tree{t.session_id.value_or(0), *t.tree_id, t.share});
  }

  void forget_tree(const Transaction& t) {
    const auto it = find_tree(t);
    if (it != trees_.end()) trees_.erase(it);
  }

  std::string share_of(const Transaction& t) const {
    const auto it = find_tree(t);
    return it == trees_.end() ? std::string() : it->share;
  }

  std::deque<Tree>::const_iterator find_tree(const Transaction& t) const {
    if (!t.tree_id) return trees_.end();
    return std::find_if(trees_.begin(), trees_.end(), [&](const Tree& tree) {
      return tree.tree_id == *t.tree_id && tree.session_id == t.session_id.value_or(0);
    });
  }

  std::string checked(Name name) {
    if (name.cut) counters_.events_truncated.add();
    return std::move(name.text);
  }

  void fault(Fault kind) {
    (kind == Fault::cut ? counters_.events_truncated : counters_.smb_malformed).add();
  }

  // A field lies beyond the message: past our cut of a long one, or malformed.
  void missing_field(const Context& context) { fault(context.cut ? Fault::cut : Fault::malformed); }

  // `status`: the response's; nullopt for a request that got none. SMB1
  // responses without the NT status flag carry a DOS error instead.
  void emit(const Transaction& t, std::optional<std::uint32_t> status, Direction side,
            Micros timestamp, EventOut& out, bool nt_status = true) {
    SmbEvent event;
    event.id = t.id;
    event.dialect = dialect_;
    event.command = t.version == 1 ? smb::smb1_command_name(static_cast<std::uint8_t>(t.command))
                                   : smb::smb2_command_name(t.command);
    if (status) {
      event.status_code = *status;
      // A zero DOS error is success too; other DOS errors have no NTSTATUS name.
      if (nt_status || *status == kStatusSuccess) event.status = smb::ntstatus_name(*status);
    }
    event.session_id = t.session_id;
    event.tree_id = t.tree_id;
    // A TREE_CONNECT's own path, else the share its tree was connected to.
    event.share = t.share.empty() ? share_of(t) : t.share;
    event.filename = t.filename;
    out.emit(side, timestamp, std::move(event));
  }

  AppCounters& counters_;
  std::string dialect_ = "unknown";
  std::uint64_t last_id_ = 0;
  std::deque<Transaction> pending_;  // oldest first, at most kMaxPendingRequests
  std::deque<Tree> trees_;           // oldest first, at most kMaxTrees
};

// ---------------------------------------------------------------------------

class SmbDissector final : public Dissector {
 public:
  explicit SmbDissector(AppCounters& counters)
      : framers_{Framer(counters), Framer(counters)}, session_(counters) {}

  void on_data(Direction side, Micros timestamp, Bytes data, EventOut& out) override {
    framers_[index(side)].consume(data, [&](Bytes message, bool cut) {
      session_.on_message(message, Context{side, timestamp, out, cut});
    });
  }

  void on_gap(Direction side, std::uint64_t length) override { framers_[index(side)].lose(length); }

  void on_flow_end(Micros timestamp, EventOut& out) override {
    session_.on_flow_end(timestamp, out);
  }

  // SMB sessions last: the stream depth, not the dissector, ends the inspection.
  bool wants_more() const override { return true; }

  std::string_view host() const override { return {}; }

 private:
  std::array<Framer, 2> framers_;  // indexed by flow::index(direction)
  SmbSession session_;
};

}  // namespace

std::unique_ptr<Dissector> make_smb_dissector(AppCounters& counters) {
  return std::make_unique<SmbDissector>(counters);
}

}  // namespace mld::app
