// The lock-free hand-over between threads: nothing lost, nothing reordered,
// nothing read before it was written (ThreadSanitizer runs this too).
#include "pipeline/batch_channel.h"

#include <gtest/gtest.h>

#include <thread>

namespace mld::pipeline {
namespace {

struct Numbers {
  std::uint64_t first = 0;
  std::uint32_t count = 0;
  std::uint64_t values[32] = {};
};

TEST(BatchChannel, DeliversEveryBatchInOrderUnderContention) {
  constexpr std::uint64_t kBatches = 200'000;
  Doorbell producer_bell, consumer_bell;
  BatchChannel<Numbers> channel(4, producer_bell, consumer_bell);

  std::thread producer([&] {
    for (std::uint64_t i = 0; i < kBatches; ++i) {
      Numbers* batch = nullptr;
      while ((batch = channel.try_acquire()) == nullptr) {
        const auto seen = producer_bell.snapshot();
        if ((batch = channel.try_acquire()) != nullptr) break;
        producer_bell.sleep(seen);
      }
      batch->first = i;
      batch->count = static_cast<std::uint32_t>(i % 32 + 1);
      for (std::uint32_t k = 0; k < batch->count; ++k) batch->values[k] = i * 100 + k;
      channel.send(batch);
    }
    channel.close();
  });

  std::uint64_t expected = 0;
  for (;;) {
    const auto seen = consumer_bell.snapshot();
    const bool closed = channel.closed();
    if (Numbers* batch = channel.try_receive()) {
      ASSERT_EQ(batch->first, expected);
      ASSERT_EQ(batch->count, expected % 32 + 1);
      for (std::uint32_t k = 0; k < batch->count; ++k) ASSERT_EQ(batch->values[k], expected * 100 + k);
      ++expected;
      channel.release(batch);
      continue;
    }
    if (closed) break;
    consumer_bell.sleep(seen);
  }
  producer.join();
  EXPECT_EQ(expected, kBatches);
}

}  // namespace
}  // namespace mld::pipeline
