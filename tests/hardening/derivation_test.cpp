// derivation_test.cpp - PBKDF2 never runs on an event loop (SPEC 4.4): classic logins (each a
// derivation of about 1 ms) go to the store threads, so a logged-in bystander is answered while
// 50 of them are checked. The bound is relative to the burst, not a wall-clock figure: were the
// derivations on the loop, the first bystander reply would wait for all 50 of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fixture.hpp"
#include "peer_client.hpp"

namespace tsna::testing {
namespace {

using Clock = std::chrono::steady_clock;
using Us = std::chrono::duration<double, std::micro>;

class Derivations : public HardeningTest {};

TEST_F(Derivations, FiftyConcurrentClassicLoginsLeaveABystanderAnsweredWhileTheyAreDerived) {
  start({"--allow-classic"});
  {
    auto c = tsna2();
    ASSERT_EQ(c->tsna2_register("carol", kHash123456), "200:Your Registered Username is carol\n");
  }
  auto bystander = tsna2();
  ASSERT_EQ(bystander->tsna2_login("carol", kHash123456), "200:login is successful\n");

  constexpr int kLogins = 50;
  std::vector<std::unique_ptr<PeerClient>> peers;
  for (int i = 0; i < kLogins; ++i) {
    // A source address each, so the address throttle never meets them.
    peers.push_back(std::make_unique<PeerClient>(port(), loopback_address(3, i)));
    ASSERT_EQ(peers.back()->read_exact(7), "success");
  }
  const auto burst = Clock::now();
  for (auto& p : peers) {
    p->send("login carol " + std::string(kHash123456));
  }
  // While the store threads derive, the bystander's commands are answered by the event loop.
  std::vector<double> reply_us;
  for (int i = 0; i < 20; ++i) {
    const auto t0 = Clock::now();
    bystander->send("sum 1 2\n");
    EXPECT_EQ(bystander->read_reply(), "200:3.0\n");
    reply_us.push_back(Us(Clock::now() - t0).count());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // spread over the burst
  }
  // Every login got its 8-byte challenge (the hash matched its verifier).
  int challenged = 0;
  for (auto& p : peers) {
    const std::string challenge = p->read_exact(8);
    challenged += challenge.size() == 8 && challenge.substr(0, 4) != "400:";
  }
  const double burst_ms = std::chrono::duration<double, std::milli>(Clock::now() - burst).count();
  EXPECT_EQ(challenged, kLogins);
  std::sort(reply_us.begin(), reply_us.end());
  EXPECT_LT(reply_us.back(), burst_ms * 1000.0 / 4)
      << "the slowest bystander reply waited for a large part of the burst";
  record_figure("derivations.classic_logins", std::to_string(kLogins));
  record_figure("derivations.burst_ms", std::to_string(burst_ms));
  record_figure("derivations.bystander_median_us", std::to_string(reply_us[reply_us.size() / 2]));
  record_figure("derivations.bystander_max_us", std::to_string(reply_us.back()));
}

}  // namespace
}  // namespace tsna::testing
