#pragma once
// A set of 64-bit keys (hashes of ports, hosts, names) that stops growing at
// a fixed capacity: what a per-host window keeps of "distinct things seen",
// bounded under attack. Once full, new keys are refused and the caller
// counts the overflow; the set already proves the threshold was reached.
#include <cstddef>
#include <cstdint>
#include <unordered_set>

namespace mld::detect {

enum class InsertResult : std::uint8_t { inserted, present, full };

class CappedSet {
 public:
  explicit CappedSet(std::size_t capacity) : capacity_(capacity) {}

  InsertResult insert(std::uint64_t key) {
    if (keys_.contains(key)) return InsertResult::present;
    if (keys_.size() >= capacity_) return InsertResult::full;
    keys_.insert(key);
    return InsertResult::inserted;
  }
  bool contains(std::uint64_t key) const { return keys_.contains(key); }
  std::size_t size() const { return keys_.size(); }
  void clear() { keys_.clear(); }

 private:
  std::size_t capacity_;
  std::unordered_set<std::uint64_t> keys_;
};

}  // namespace mld::detect
