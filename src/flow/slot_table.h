#pragma once
// Fixed-capacity hash table of entries addressed by 32-bit slot numbers, plus
// intrusive lists over those slots. Used for live flows and for the TCP
// continuation tombstones. Nothing is allocated after construction: memory is
// bounded by configuration, under attack too.
//
// Entry requirements: a `key` member with operator== and a uint32_t
// `hash_next` member, owned by the table (bucket chain, or free list when unused).
#include <bit>
#include <cstdint>
#include <new>
#include <type_traits>

#include "common/lazy_buffer.h"

namespace mld::flow {

inline constexpr std::uint32_t kNoSlot = UINT32_MAX;

struct SlotLinks {
  std::uint32_t prev = kNoSlot;
  std::uint32_t next = kNoSlot;
};

template <class Entry>
class SlotTable {
  static_assert(std::is_trivially_destructible_v<Entry>);

 public:
  using Key = decltype(Entry::key);

  explicit SlotTable(std::uint32_t capacity)
      : capacity_(capacity),
        bucket_mask_(std::bit_ceil(capacity < 2 ? 2u : capacity) - 1),
        slots_(sizeof(Entry) * static_cast<std::size_t>(capacity)),
        buckets_(sizeof(std::uint32_t) * (static_cast<std::size_t>(bucket_mask_) + 1)) {}

  std::uint32_t capacity() const { return capacity_; }
  std::uint32_t size() const { return size_; }
  bool full() const { return size_ == capacity_; }

  Entry& operator[](std::uint32_t slot) { return entries()[slot]; }
  const Entry& operator[](std::uint32_t slot) const { return entries()[slot]; }

  std::uint32_t find(const Key& key, std::uint64_t hash) const {
    for (std::uint32_t link = bucket(hash); link != 0; link = entries()[link - 1].hash_next) {
      if (entries()[link - 1].key == key) return link - 1;
    }
    return kNoSlot;
  }

  // Adds a value-initialized entry for `key` (which must not be present).
  // Returns kNoSlot when the table is full.
  std::uint32_t insert(const Key& key, std::uint64_t hash) {
    const std::uint32_t slot = take_free_slot();
    if (slot == kNoSlot) return kNoSlot;
    Entry* entry = new (&entries()[slot]) Entry{};
    entry->key = key;
    entry->hash_next = bucket(hash);
    bucket(hash) = slot + 1;
    ++size_;
    return slot;
  }

  // Removes the entry in `slot`; `hash` must be the hash it was inserted with.
  void erase(std::uint32_t slot, std::uint64_t hash) {
    std::uint32_t* link = &bucket(hash);
    while (*link != slot + 1) link = &entries()[*link - 1].hash_next;
    *link = entries()[slot].hash_next;
    entries()[slot].hash_next = free_head_;
    free_head_ = slot + 1;
    --size_;
  }

 private:
  // Links (bucket heads, hash_next, the free list) hold slot + 1, so that the
  // zero-filled memory of a fresh table means "empty".
  Entry* entries() const { return static_cast<Entry*>(slots_.data()); }
  std::uint32_t& bucket(std::uint64_t hash) const {
    return static_cast<std::uint32_t*>(buckets_.data())[hash & bucket_mask_];
  }

  std::uint32_t take_free_slot() {
    if (free_head_ != 0) {
      const std::uint32_t slot = free_head_ - 1;
      free_head_ = entries()[slot].hash_next;
      return slot;
    }
    return high_water_ < capacity_ ? high_water_++ : kNoSlot;
  }

  std::uint32_t capacity_;
  std::uint32_t bucket_mask_;
  std::uint32_t size_ = 0;
  std::uint32_t high_water_ = 0;  // slots above this were never used (never touched)
  std::uint32_t free_head_ = 0;
  LazyBuffer slots_;
  LazyBuffer buckets_;
};

// An intrusive doubly linked list over the slots of a SlotTable, threaded
// through the SlotLinks member `Links` of each entry. O(1) everything.
template <class Entry, SlotLinks Entry::*Links>
class SlotList {
 public:
  explicit SlotList(SlotTable<Entry>& table) : table_(table) {}

  std::uint32_t front() const { return head_; }
  bool empty() const { return head_ == kNoSlot; }

  void push_back(std::uint32_t slot) {
    SlotLinks& links = table_[slot].*Links;
    links.prev = tail_;
    links.next = kNoSlot;
    if (tail_ != kNoSlot) {
      (table_[tail_].*Links).next = slot;
    } else {
      head_ = slot;
    }
    tail_ = slot;
  }

  void remove(std::uint32_t slot) {
    SlotLinks& links = table_[slot].*Links;
    if (links.prev != kNoSlot) {
      (table_[links.prev].*Links).next = links.next;
    } else {
      head_ = links.next;
    }
    if (links.next != kNoSlot) {
      (table_[links.next].*Links).prev = links.prev;
    } else {
      tail_ = links.prev;
    }
  }

  void move_to_back(std::uint32_t slot) {
    if (slot == tail_) return;
    remove(slot);
    push_back(slot);
  }

 private:
  SlotTable<Entry>& table_;
  std::uint32_t head_ = kNoSlot;
  std::uint32_t tail_ = kNoSlot;
};

}  // namespace mld::flow
