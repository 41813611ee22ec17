#pragma once
// The start of a client's handshake byte stream, rebuilt from fragments that
// may arrive in any order, repeat or overlap: the CRYPTO frames of its Initial
// packets (across packets and within one), or gQUIC's handshake stream 1.
// Only the first kMaxBytes of the stream are kept, which bounds the memory
// of a flow whatever offsets a peer sends.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "app/dissector.h"

namespace mld::app::quic {

class CryptoStream {
 public:
  // A ClientHello is a few KiB even with post-quantum key shares; a first
  // message longer than this is reported as oversized, not reassembled.
  static constexpr std::size_t kMaxBytes = 64 * 1024;

  // Keeps the part of [offset, offset + data.size()) below origin + kMaxBytes.
  // Where a byte is already held, the first copy wins.
  void add(std::uint64_t offset, Bytes data);

  // Makes `offset` the start of a stream that holds nothing yet. gQUIC's
  // handshake stream carries one CHLO after another (the first one is often
  // rejected), and a capture may begin at a later one.
  void restart_at(std::uint64_t offset) { origin_ = offset; }

  bool empty() const { return bytes_.empty(); }

  // The bytes held without a hole from the origin (offset 0 unless restarted).
  Bytes contiguous() const { return Bytes(bytes_.data(), contiguous_); }

  // Frees the buffers; the stream starts again empty.
  void clear();

 private:
  std::vector<std::uint8_t> bytes_;  // grows to the highest end received
  std::vector<bool> held_;           // one flag per byte of bytes_
  std::size_t contiguous_ = 0;
  std::uint64_t origin_ = 0;
};

}  // namespace mld::app::quic
