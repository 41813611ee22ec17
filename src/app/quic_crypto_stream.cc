#include "app/quic_crypto_stream.h"

#include <algorithm>

namespace mld::app::quic {

void CryptoStream::add(std::uint64_t offset, Bytes data) {
  if (offset < origin_) {
    if (origin_ - offset >= data.size()) return;
    data = data.subspan(static_cast<std::size_t>(origin_ - offset));
    offset = origin_;
  }
  offset -= origin_;
  if (offset >= kMaxBytes || data.empty()) return;
  const std::size_t begin = static_cast<std::size_t>(offset);
  const std::size_t end = begin + std::min(data.size(), kMaxBytes - begin);
  if (end > bytes_.size()) {
    bytes_.resize(end);
    held_.resize(end, false);
  }
  for (std::size_t i = begin; i < end; ++i) {
    if (held_[i]) continue;
    bytes_[i] = data[i - begin];
    held_[i] = true;
  }
  while (contiguous_ < held_.size() && held_[contiguous_]) ++contiguous_;
}

void CryptoStream::clear() {
  std::vector<std::uint8_t>().swap(bytes_);
  std::vector<bool>().swap(held_);
  contiguous_ = 0;
  origin_ = 0;
}

}  // namespace mld::app::quic
