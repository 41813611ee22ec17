#include "app/http.h"

#include <array>
#include <deque>
#include <optional>
#include <string>

#include "app/http_head.h"
#include "app/http_stream.h"

namespace mld::app {
namespace {

using http::MessageReader;
using http::Role;
using ReaderEvent = MessageReader::Event;

constexpr std::array<flow::Direction, 2> kDirections{flow::Direction::forward,
                                                     flow::Direction::backward};

HttpEvent request_event(const http::MessageHead& head, AppCounters& counters) {
  HttpEvent event;
  event.hostname = http::hostname_of_host_header(head.host);
  if (event.hostname.empty()) event.hostname = http::hostname_of_absolute_uri(head.url);
  // A host taken from the URL (kMaxUrlBytes) can be longer than a header field.
  if (event.hostname.size() > http::kMaxFieldBytes) {
    event.hostname.resize(http::kMaxFieldBytes);
    counters.events_truncated.add();
  }
  event.url = head.url;
  event.http_user_agent = head.user_agent;
  event.http_method = head.method;
  event.protocol = head.protocol;
  return event;
}

void add_response(HttpEvent& event, const http::MessageHead& head) {
  event.status = head.status;
  event.http_content_type = std::string(http::media_type(head.content_type));
  if (event.protocol.empty()) event.protocol = head.protocol;  // no request seen
}

bool is_interim(std::uint32_t status) { return status >= 100 && status < 200 && status != 101; }

class HttpDissector final : public Dissector {
 public:
  explicit HttpDissector(AppCounters& counters)
      : counters_(counters), sides_{Side{MessageReader(counters)}, Side{MessageReader(counters)}} {}

  void on_data(flow::Direction side, Micros timestamp, Bytes data, EventOut& out) override {
    Side& s = at(side);
    while (!s.stopped) {
      const ReaderEvent event = s.reader.read(data);
      if (event == ReaderEvent::need_more) break;
      handle(side, event, timestamp, out);
    }
    settle(timestamp, out);
  }

  void on_gap(flow::Direction side, std::uint64_t length) override {
    Side& s = at(side);
    if (!s.stopped && !s.reader.skip_gap(length)) s.stopped = true;
  }

  // What was still being read is emitted as far as it went.
  void on_flow_end(Micros timestamp, EventOut& out) override {
    if (const auto server = side_with(Role::server)) {
      const MessageReader& reader = at(*server).reader;
      if (!response_ && reader.reading_fields()) start_response(reader.head());
      if (response_) emit_response(*server, timestamp, out);
    }
    if (const auto client = side_with(Role::client)) {
      emit_pending(*client, timestamp, out);
      const MessageReader& reader = at(*client).reader;
      if (reader.reading_fields()) {
        HttpEvent request = request_event(reader.head(), counters_);
        note_host(request);
        out.emit(*client, timestamp, std::move(request));
      }
    }
  }

  bool wants_more() const override { return !sides_[0].stopped || !sides_[1].stopped; }

  std::string_view host() const override { return host_; }

 private:
  struct Side {
    MessageReader reader;
    bool stopped = false;
  };

  void handle(flow::Direction side, ReaderEvent event, Micros timestamp, EventOut& out) {
    const MessageReader& reader = at(side).reader;
    if (event == ReaderEvent::failed) {
      on_failure(side, timestamp, out);
    } else if (at(flow::opposite(side)).reader.role() == reader.role()) {
      counters_.http_malformed.add();  // two clients or two servers: not HTTP
      stop_both();
    } else if (event == ReaderEvent::head_done && reader.role() == Role::client) {
      on_request_head(side, timestamp, out);
    } else if (event == ReaderEvent::head_done) {
      on_response_head(side, timestamp, out);
    } else if (event == ReaderEvent::message_done && reader.role() == Role::server && response_) {
      emit_response(side, timestamp, out);
    }
  }

  void on_request_head(flow::Direction side, Micros timestamp, EventOut& out) {
    MessageReader& reader = at(side).reader;
    queue_request(side, timestamp, request_event(reader.head(), counters_), out);
    reader.start_body({});
  }

  void on_response_head(flow::Direction side, Micros timestamp, EventOut& out) {
    MessageReader& reader = at(side).reader;
    const std::uint32_t status = reader.head().status.value_or(0);
    if (is_interim(status)) {
      reader.start_body({});
      return;
    }
    start_response(reader.head());
    response_head_complete_ = true;
    const bool switches_protocol =
        status == 101 || (response_->http_method == "CONNECT" && status >= 200 && status < 300);
    if (switches_protocol) {
      emit_response(side, timestamp, out);
      stop_both();
      return;
    }
    reader.start_body(response_->http_method);
  }

  void on_failure(flow::Direction side, Micros timestamp, EventOut& out) {
    Side& s = at(side);
    s.stopped = true;
    switch (s.reader.failure()) {
      case MessageReader::Failure::not_http:
        stop_both();
        break;
      case MessageReader::Failure::oversized_head:  // the head so far makes a partial event
        if (s.reader.role() == Role::client) {
          queue_request(side, timestamp, request_event(s.reader.head(), counters_), out);
        } else {
          start_response(s.reader.head());
        }
        break;
      default:  // a response being read is emitted by settle()
        break;
    }
  }

  void note_host(const HttpEvent& request) {
    if (host_.empty()) host_ = request.hostname;
  }

  void queue_request(flow::Direction side, Micros timestamp, HttpEvent event, EventOut& out) {
    note_host(event);
    if (at(flow::opposite(side)).stopped) {
      out.emit(side, timestamp, std::move(event));  // no response can pair with it
    } else if (pending_.size() < kMaxPendingHttpRequests && unqueued_requests_ == 0) {
      pending_.push_back(std::move(event));
    } else {
      ++unqueued_requests_;
      counters_.events_truncated.add();
    }
  }

  // The response now read answers the oldest waiting request.
  void start_response(const http::MessageHead& head) {
    response_.emplace();
    if (!pending_.empty()) {
      *response_ = std::move(pending_.front());
      pending_.pop_front();
    } else if (unqueued_requests_ > 0) {
      --unqueued_requests_;  // its request was not kept: the response goes alone
    }
    add_response(*response_, head);
  }

  // `length` is left out when the response's head was cut short.
  void emit_response(flow::Direction side, Micros timestamp, EventOut& out) {
    if (response_head_complete_) response_->length = at(side).reader.body_bytes();
    out.emit(side, timestamp, std::move(*response_));
    response_.reset();
    response_head_complete_ = false;
  }

  void emit_pending(flow::Direction client, Micros timestamp, EventOut& out) {
    for (HttpEvent& request : pending_) out.emit(client, timestamp, std::move(request));
    pending_.clear();
    unqueued_requests_ = 0;
  }

  // Once the server side stopped, nothing more can complete a pair: what
  // waits is emitted now rather than at the end of the flow.
  void settle(Micros timestamp, EventOut& out) {
    const auto server = side_with(Role::server);
    if (response_ && server && at(*server).stopped) {
      emit_response(*server, timestamp, out);
    }
    const auto client = side_with(Role::client);
    if (client && at(flow::opposite(*client)).stopped) {
      emit_pending(*client, timestamp, out);
    }
  }

  std::optional<flow::Direction> side_with(Role role) const {
    for (const flow::Direction side : kDirections) {
      if (at(side).reader.role() == role) return side;
    }
    return std::nullopt;
  }

  void stop_both() { sides_[0].stopped = sides_[1].stopped = true; }

  Side& at(flow::Direction side) { return sides_[static_cast<std::size_t>(flow::index(side))]; }
  const Side& at(flow::Direction side) const {
    return sides_[static_cast<std::size_t>(flow::index(side))];
  }

  AppCounters& counters_;
  std::array<Side, 2> sides_;            // by flow::index(side): use at()
  std::deque<HttpEvent> pending_;        // requests waiting for their responses, in order
  std::uint64_t unqueued_requests_ = 0;  // requests after pending_ that were not kept
  std::optional<HttpEvent> response_;    // the pair whose response is being read
  bool response_head_complete_ = false;  // its head was read whole: its body is counted
  std::string host_;                     // the first hostname of the flow
};

}  // namespace

std::unique_ptr<Dissector> make_http_dissector(AppCounters& counters) {
  return std::make_unique<HttpDissector>(counters);
}

}  // namespace mld::app
