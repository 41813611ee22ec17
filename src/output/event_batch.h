#pragma once
// Serialized events on their way from the serializer thread to the sink
// threads. One batch is encoded once and shared by every sink; batches are
// recycled through a pool, so steady-state output allocates nothing per event.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "output/text_buffer.h"

namespace mld::output {

struct EventBatch {
  static constexpr std::size_t kMaxEvents = 256;

  // One line per event in the output format (EVE JSON or CSV), each ending in '\n'.
  TextBuffer text;
  std::vector<std::uint32_t> line_ends;
  // When a sink wants them: the same events as serialized protobuf messages.
  std::string protobuf;
  std::vector<std::uint32_t> protobuf_ends;

  std::size_t events() const { return line_ends.size(); }
  // Event i's line without its '\n'.
  std::string_view line(std::size_t i) const {
    const std::uint32_t begin = i == 0 ? 0 : line_ends[i - 1];
    return text.view().substr(begin, line_ends[i] - begin - 1);
  }
  std::string_view protobuf_message(std::size_t i) const {
    const std::uint32_t begin = i == 0 ? 0 : protobuf_ends[i - 1];
    return std::string_view(protobuf).substr(begin, protobuf_ends[i] - begin);
  }
  void line_added() { line_ends.push_back(static_cast<std::uint32_t>(text.size())); }
  void protobuf_added() { protobuf_ends.push_back(static_cast<std::uint32_t>(protobuf.size())); }
  bool full() const { return events() >= kMaxEvents || text.size() >= (1u << 20); }
  void clear() {
    text.clear();
    line_ends.clear();
    protobuf.clear();
    protobuf_ends.clear();
  }
};

// Hands out batches that return here when the last sink lets go of them.
// Must outlive every batch it handed out.
class EventBatchPool {
 public:
  std::shared_ptr<EventBatch> take() {
    EventBatch* batch = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        batch = free_.back().release();
        free_.pop_back();
      }
    }
    if (batch == nullptr) batch = new EventBatch;
    batch->clear();
    return std::shared_ptr<EventBatch>(batch, [this](EventBatch* b) { give_back(b); });
  }

 private:
  void give_back(EventBatch* batch) {
    std::lock_guard lock(mutex_);
    free_.emplace_back(batch);
  }

  std::mutex mutex_;
  std::vector<std::unique_ptr<EventBatch>> free_;
};

}  // namespace mld::output
