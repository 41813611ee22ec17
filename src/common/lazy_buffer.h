#pragma once
// A zero-filled block of address space whose pages become resident only when
// first written. Preallocating a table for max-flows entries this way costs
// address space, not memory: resident size grows with the flows actually held.
#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <utility>

namespace mld {

class LazyBuffer {
 public:
  LazyBuffer() = default;
  explicit LazyBuffer(std::size_t bytes) : size_(bytes) {
    if (bytes == 0) return;
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    data_ = p;
  }
  ~LazyBuffer() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  LazyBuffer(LazyBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  LazyBuffer& operator=(LazyBuffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  LazyBuffer(const LazyBuffer&) = delete;
  LazyBuffer& operator=(const LazyBuffer&) = delete;

  void* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace mld
