// How a TPACKET_V3 ring is cut into blocks and frames: the kernel rejects a
// PACKET_RX_RING request unless these hold, so they are checked without it.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "capture/af_packet_socket.h"

namespace mld::capture {
namespace {

TEST(RingGeometry, BlocksHoldWholeFramesAndFillTheRing) {
  for (std::uint32_t snaplen : {64u, 1514u, 65535u, 262144u}) {
    for (std::size_t mb : {1u, 4u, 64u, 4096u}) {
      const RingGeometry g = ring_geometry(snaplen, mb << 20);
      SCOPED_TRACE("snaplen " + std::to_string(snaplen) + ", ring " + std::to_string(mb) + " MiB");
      EXPECT_EQ(g.block_size % 4096, 0u);
      EXPECT_EQ(g.block_size & (g.block_size - 1), 0u);
      EXPECT_GE(g.block_size, g.frame_size);
      EXPECT_GE(g.frame_size, snaplen);
      EXPECT_EQ(g.frame_size % 16, 0u);
      EXPECT_GE(g.block_count, 2u);
      EXPECT_EQ(g.frame_count, g.block_size / g.frame_size * g.block_count);
      EXPECT_LE(std::size_t{g.block_size} * g.block_count,
                std::max<std::size_t>(mb << 20, 2 * g.block_size));
    }
  }
}

}  // namespace
}  // namespace mld::capture
