#include "app/dns_name.h"

namespace mld::app::dns {
namespace {

constexpr std::uint8_t kLabelTypeMask = 0xc0;
constexpr std::uint8_t kPointerType = 0xc0;

// Walks one name label by label. Before the first pointer the walk moves
// forward through the message, so it ends; after it, the hop limit and the
// name length limit end it.
class NameWalk {
 public:
  NameWalk(Bytes message, std::size_t offset) : message_(message), pos_(offset) {}

  WireName run() {
    for (;;) {
      if (pos_ >= message_.size()) return fault();
      const std::uint8_t length = message_[pos_];
      if ((length & kLabelTypeMask) == kPointerType) {
        if (!follow_pointer(length)) return fault();
      } else if ((length & kLabelTypeMask) != 0) {
        return fault();  // 0x40 (extended) and 0x80 label types: reserved
      } else if (length == 0) {
        return finish();
      } else if (!take_label(length)) {
        return fault();
      }
    }
  }

 private:
  bool follow_pointer(std::uint8_t first_byte) {
    if (pos_ + 1 >= message_.size()) return false;
    if (!jumped_) {
      name_.end = pos_ + 2;
      jumped_ = true;
    }
    const std::size_t target =
        static_cast<std::size_t>(first_byte & ~kLabelTypeMask) << 8 | message_[pos_ + 1];
    if (too_long_ || ++hops_ > kMaxPointerHops || target >= message_.size()) return false;
    pos_ = target;
    return true;
  }

  // Appends one label while the name stays within the limit; past it, keeps
  // walking (without text) only to find where the name ends in place.
  bool take_label(std::uint8_t length) {
    if (length >= message_.size() - pos_) return false;
    wire_bytes_ += 1 + std::size_t{length};
    // + 1: the root label that must still follow.
    if (wire_bytes_ + 1 > kMaxNameWireBytes) too_long_ = true;
    if (too_long_) {
      if (jumped_) return false;
    } else {
      if (!name_.text.empty()) name_.text.push_back('.');
      name_.text.append(reinterpret_cast<const char*>(message_.data()) + pos_ + 1, length);
    }
    pos_ += 1 + std::size_t{length};
    return true;
  }

  WireName finish() {
    if (!jumped_) name_.end = pos_ + 1;
    name_.status = too_long_ ? NameStatus::bad : NameStatus::ok;
    return std::move(name_);
  }

  // Once a pointer was taken the name's end is known, so the message can
  // still be read past it.
  WireName fault() {
    name_.status = jumped_ ? NameStatus::bad : NameStatus::unterminated;
    return std::move(name_);
  }

  Bytes message_;
  std::size_t pos_;
  WireName name_;
  std::size_t wire_bytes_ = 0;
  int hops_ = 0;
  bool jumped_ = false;
  bool too_long_ = false;
};

}  // namespace

WireName read_name(Bytes message, std::size_t offset) { return NameWalk(message, offset).run(); }

}  // namespace mld::app::dns
