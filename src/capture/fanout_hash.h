#pragma once
// The live dispatch hash, defined once for its two implementations: the
// classic-BPF fanout program the kernel runs on every frame
// (capture/fanout_program.cc) and the user-space copy that a worker runs on a
// decoded flow key (pipeline/live_dispatch.cc). Both must return the same
// worker for the same addresses and ports, so the arithmetic lives here and
// uses only what cBPF has: 32-bit add, xor, multiply, shift and modulo.
//
//   endpoint(address words, port) = fold of mix_word over the words, from the
//                                   seed's low half, then finish_endpoint
//   hash = combine(endpoint(src), endpoint(dst))   // + is symmetric
//   worker = hash % workers
//
// Hashing each endpoint with the seed before adding them keeps the hash
// symmetric without making it linear: an attacker who does not know the seed
// cannot choose addresses and ports that all land on one worker.
#include <cstddef>
#include <cstdint>

namespace mld::capture::fanout_hash {

inline constexpr std::uint32_t kWordMultiplier = 0x9E3779B1u;   // all odd: multiplication
inline constexpr std::uint32_t kPortMultiplier = 0x85EBCA77u;   // by them is a bijection
inline constexpr std::uint32_t kFinalMultiplier = 0xC2B2AE3Du;  // on 32-bit values
inline constexpr std::uint32_t kWordShift = 15;
inline constexpr std::uint32_t kPortShift = 13;
inline constexpr std::uint32_t kFinalShift = 16;

struct Seeds {
  std::uint32_t endpoint = 0;  // starts every endpoint fold
  std::uint32_t final = 0;     // mixed into the combined value
};

constexpr Seeds split_seed(std::uint64_t seed) {
  return {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
}

constexpr std::uint32_t mix_word(std::uint32_t h, std::uint32_t word) {
  h ^= word;
  h *= kWordMultiplier;
  return h ^ (h >> kWordShift);
}

constexpr std::uint32_t finish_endpoint(std::uint32_t h, std::uint16_t port) {
  h ^= port;
  h *= kPortMultiplier;
  return h ^ (h >> kPortShift);
}

constexpr std::uint32_t combine(std::uint32_t a, std::uint32_t b, const Seeds& seeds) {
  std::uint32_t h = (a + b) ^ seeds.final;
  h *= kFinalMultiplier;
  return h ^ (h >> kFinalShift);
}

// `words` big-endian 32-bit words of the address (1 for IPv4, 4 for IPv6);
// `port` is 0 unless the packet is TCP or UDP with its ports visible.
inline std::uint32_t endpoint(const std::uint8_t* address, std::size_t words, std::uint16_t port,
                              const Seeds& seeds) {
  std::uint32_t h = seeds.endpoint;
  for (std::size_t i = 0; i < words; ++i) {
    const std::uint8_t* p = address + 4 * i;
    h = mix_word(h, (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                        (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]});
  }
  return finish_endpoint(h, port);
}

}  // namespace mld::capture::fanout_hash
