#pragma once
// A growable byte buffer for the serializer's hot path: callers make room
// once per token and write through a pointer, instead of paying a capacity
// check and a library call per character or per small piece.
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace mld::output {

class TextBuffer {
 public:
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const char* data() const { return data_.get(); }
  std::string_view view() const { return {data_.get(), size_}; }
  void clear() { size_ = 0; }

  // Room for `n` more bytes: write them at the returned pointer, then
  // advance() by the number actually written.
  char* reserve(std::size_t n) {
    if (capacity_ - size_ < n) grow(n);
    return data_.get() + size_;
  }
  void advance(std::size_t n) { size_ += n; }

  void append(std::string_view text) {
    std::memcpy(reserve(text.size()), text.data(), text.size());
    size_ += text.size();
  }
  void push_back(char c) {
    *reserve(1) = c;
    ++size_;
  }
  TextBuffer& operator+=(std::string_view text) {
    append(text);
    return *this;
  }

 private:
  void grow(std::size_t n) {
    std::size_t capacity = capacity_ == 0 ? 4096 : capacity_;
    while (capacity - size_ < n) capacity *= 2;
    std::unique_ptr<char[]> bigger(new char[capacity]);
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace mld::output
