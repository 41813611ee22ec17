#include "app/dns.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "app/dns_message.h"

namespace mld::app {
namespace {

constexpr std::size_t kLengthPrefixBytes = 2;
// A buffer grown past this for one large message is released afterwards, so
// an idle flow does not keep 64 KiB.
constexpr std::size_t kRetainedBufferBytes = 4096;

// Cuts one TCP direction into its length-prefixed messages. A message that
// arrives whole in one chunk is read in place; only a split one is copied.
class TcpMessageFramer {
 public:
  template <typename OnMessage>
  void feed(Bytes data, OnMessage&& on_message) {
    while (!data.empty() && !lost_) {
      if (buffer_.empty() && data.size() >= kLengthPrefixBytes) {
        const std::size_t whole = kLengthPrefixBytes + length_at(data.data());
        if (data.size() >= whole) {
          on_message(data.subspan(kLengthPrefixBytes, whole - kLengthPrefixBytes));
          data = data.subspan(whole);
          continue;
        }
      }
      const std::size_t take = std::min(wanted() - buffer_.size(), data.size());
      buffer_.insert(buffer_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
      data = data.subspan(take);
      if (buffer_.size() >= kLengthPrefixBytes && buffer_.size() == wanted()) {
        on_message(partial_message());
        release();
      }
    }
  }

  // After a gap the next bytes cannot be placed in a message: stop.
  void lose_framing() {
    lost_ = true;
    release();
  }
  bool lost() const { return lost_; }

  bool holds_partial() const { return !buffer_.empty(); }
  // The buffered bytes of a message cut short, without the prefix.
  Bytes partial_message() const {
    return buffer_.size() > kLengthPrefixBytes ? Bytes(buffer_).subspan(kLengthPrefixBytes)
                                               : Bytes();
  }

 private:
  static std::size_t length_at(const std::uint8_t* prefix) {
    return std::size_t{prefix[0]} << 8 | prefix[1];
  }
  // Bytes the buffer must hold to complete what it is reading (prefix, then message).
  std::size_t wanted() const {
    if (buffer_.size() < kLengthPrefixBytes) return kLengthPrefixBytes;
    return kLengthPrefixBytes + length_at(buffer_.data());
  }
  void release() {
    if (buffer_.capacity() > kRetainedBufferBytes) {
      std::vector<std::uint8_t>().swap(buffer_);
    } else {
      buffer_.clear();
    }
  }

  std::vector<std::uint8_t> buffer_;  // at most kMaxDnsTcpMessageBytes
  bool lost_ = false;
};

class DnsDissector final : public Dissector {
 public:
  DnsDissector(Transport transport, AppCounters& counters)
      : transport_(transport), counters_(counters) {}

  void on_data(flow::Direction side, Micros timestamp, Bytes data, EventOut& out) override {
    if (transport_ == Transport::udp) {
      report(side, timestamp, data, out);
      return;
    }
    framer(side).feed(data, [&](Bytes message) { report(side, timestamp, message, out); });
  }

  void on_gap(flow::Direction side, std::uint64_t /*length*/) override {
    if (transport_ == Transport::tcp) framer(side).lose_framing();
  }

  // A TCP message cut short by the end of the flow is reported as far as it
  // goes, and counted as malformed even when what arrived parses.
  void on_flow_end(Micros timestamp, EventOut& out) override {
    for (const flow::Direction side : {flow::Direction::forward, flow::Direction::backward}) {
      const TcpMessageFramer& cut = framer(side);
      if (!cut.holds_partial()) continue;
      if (report(side, timestamp, cut.partial_message(), out) == dns::ParseResult::complete) {
        counters_.dns_malformed.add();
      }
    }
  }

  bool wants_more() const override {
    return transport_ == Transport::udp || !framers_[0].lost() || !framers_[1].lost();
  }

  std::string_view host() const override { return host_; }

 private:
  dns::ParseResult report(flow::Direction side, Micros timestamp, Bytes message, EventOut& out) {
    DnsEvent event;
    const dns::ParseResult result = dns::parse_dns_message(message, event, counters_);
    if (result == dns::ParseResult::no_header) return result;
    if (host_.empty() && !event.queries.empty()) host_ = event.queries.front().rrname;
    out.emit(side, timestamp, std::move(event));
    return result;
  }

  TcpMessageFramer& framer(flow::Direction side) {
    return framers_[static_cast<std::size_t>(flow::index(side))];
  }

  Transport transport_;
  AppCounters& counters_;
  std::array<TcpMessageFramer, 2> framers_;  // by flow::index(side); unused over UDP
  std::string host_;                         // the flow's first query name
};

}  // namespace

std::unique_ptr<Dissector> make_dns_dissector(Transport transport, AppCounters& counters) {
  return std::make_unique<DnsDissector>(transport, counters);
}

}  // namespace mld::app
