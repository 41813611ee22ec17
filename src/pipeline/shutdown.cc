#include "pipeline/shutdown.h"

#include <atomic>

namespace mld::pipeline {
namespace {
std::atomic<bool> requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);  // safe in a signal handler
}  // namespace

void request_shutdown() { requested.store(true, std::memory_order_relaxed); }
bool shutdown_requested() { return requested.load(std::memory_order_relaxed); }

}  // namespace mld::pipeline
