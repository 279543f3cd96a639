// asio_allocator_test.cpp - regression test for a server bug that only AddressSanitizer shows:
// asio 1.22 chose aligned_alloc or operator new per translation unit (asio issue #1082), so
// connections that ended freed handler memory with the other allocator and ASan aborted the
// server (alloc-dealloc-mismatch). Fixed by ASIO_DISABLE_STD_ALIGNED_ALLOC for every asio user.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "fixture.hpp"

namespace tsna::testing {
namespace {

class AsioAllocator : public HardeningTest {};

TEST_F(AsioAllocator, ConnectionsThatEndDoNotMixAllocatorsUnderAsan) {
  if (!kSanitized) {
    GTEST_SKIP() << "only an AddressSanitizer build can see the mismatch";
  }
  server_ = std::make_unique<ServerProcess>(data_dir());
  // Connections that overlap and end together, as in the flood test, on both event loops.
  for (int round = 0; round < 5; ++round) {
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 200; ++i) {
      clients.push_back(std::make_unique<TestClient>(port()));  // throws once the server died
      ASSERT_EQ(clients.back()->read_exact(7), "success") << "round " << round << ", " << i;
    }
    clients.clear();
    TestClient c(port());
    c.upgrade();
    c.send("help\n");
    ASSERT_EQ(c.read_reply(), kHelpLoggedOut) << "round " << round;
  }
  EXPECT_EQ(server().stop(), 0);
}

}  // namespace
}  // namespace tsna::testing
