// limits_test.cpp - SPEC 4.4 over real sockets: the connection limit, the idle timeout (a
// dribbled unended line included), the classic challenge's time limit, failed-login
// throttling, and a slow store write that does not stall other connections.
#include <gtest/gtest.h>

#include <thread>

#include "fixture.hpp"
#include "server/server.hpp"
#include "support/memory_user_store.hpp"

namespace tsna::testing {
namespace {

using namespace std::chrono_literals;

class Limits : public ServerTest {};

TEST_F(Limits, ConnectionsOverTheLimitAreRefusedAndClosed) {
  start({"--max-connections", "2"});
  auto a = tsna2();
  auto b = tsna2();
  TestClient third(port());
  EXPECT_EQ(third.read_until("\n"), "400:Too many connections\n");
  EXPECT_TRUE(third.closed_by_peer());
  a.reset();
  std::this_thread::sleep_for(100ms);
  auto again = tsna2();  // a slot is free again
  again->send("ls\n");
  EXPECT_EQ(again->read_reply().substr(0, 4), "200-");
}

TEST_F(Limits, IdleConnectionIsClosedAfterTheIdleTimeout) {
  start({"--idle-timeout", "1"});
  auto c = tsna2();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(c->closed_by_peer(5s));
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, 700ms);
  EXPECT_LT(waited, 3s);
}

TEST_F(Limits, DribbledLineWithoutAnEndDoesNotKeepAConnectionOpen) {
  start({"--idle-timeout", "1"});
  auto c = tsna2();
  bool closed = false;
  for (int i = 0; i < 30 && !closed; ++i) {
    try {
      c->send("x");
    } catch (const std::exception&) {
      closed = true;
      break;
    }
    closed = c->closed_by_peer(200ms);
  }
  EXPECT_TRUE(closed);
}

TEST_F(Limits, ClassicChallengeUnansweredInTimeFails) {
  start({"--allow-classic", "--idle-timeout", "1"});
  auto c = classic();
  expect_classic(*c, "register bob " + std::string(kHash123456),
                 "200:Your Registered Username is bob");
  c->send("login bob " + std::string(kHash123456));
  EXPECT_EQ(c->read_exact(8).size(), 8u);
  EXPECT_EQ(c->read_exact(26, 5s), "400:Authentication Failed!");
}

TEST_F(Limits, FiveFailedLoginsThrottleTheNameWithoutAChallenge) {
  start();
  auto c = tsna2();
  ASSERT_EQ(c->tsna2_register("bob", kHash123456), "200:Your Registered Username is bob\n");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(c->tsna2_login("bob", kHash123), "400:Authentication Failed!\n");
  }
  EXPECT_EQ(c->tsna2_login("bob", kHash123456), "400:Too many failed logins, try again in 1 s\n");
  std::this_thread::sleep_for(1100ms);
  EXPECT_EQ(c->tsna2_login("bob", kHash123456), "200:login is successful\n");
}

TEST(SlowStore, SlowStoreWriteDoesNotStallOtherConnections) {
  TempDir dir;
  ServerOptions options;
  options.port = 0;
  options.data_dir = dir.path();
  options.threads = 1;  // even on one event loop
  Server server(options, std::make_unique<MemoryUserStore>(1500ms));
  std::thread runner([&] { server.run(); });
  {
    TestClient writer(server.port());
    writer.upgrade();
    TestClient other(server.port());
    other.upgrade();
    writer.send("register slow " + std::string(kHash123456) + "\n");
    std::this_thread::sleep_for(100ms);
    const auto t0 = std::chrono::steady_clock::now();
    other.send("ls\n");
    EXPECT_EQ(other.read_reply().substr(0, 4), "200-");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
    EXPECT_EQ(writer.read_reply(3s), "200:Your Registered Username is slow\n");
  }
  server.stop();
  runner.join();
}

TEST(SlowStore, FullStoreQueueIsAnsweredServiceUnavailableAtOnce) {
  TempDir dir;
  ServerOptions options;
  options.port = 0;
  options.data_dir = dir.path();
  options.limits.store_queue_capacity = 2;
  Server server(options, std::make_unique<MemoryUserStore>(1000ms));
  std::thread runner([&] { server.run(); });
  {
    // Two registrations fill the queue (one runs, one waits); the others are refused at once.
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 5; ++i) {
      clients.push_back(std::make_unique<TestClient>(server.port()));
      clients.back()->upgrade();
    }
    for (int i = 0; i < 2; ++i) {
      clients[i]->send("register u" + std::to_string(i) + " " + std::string(kHash123456) + "\n");
    }
    std::this_thread::sleep_for(100ms);
    for (int i = 2; i < 5; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      clients[i]->send("register u" + std::to_string(i) + " " + std::string(kHash123456) + "\n");
      EXPECT_EQ(clients[i]->read_reply(), "400:Service unavailable, try again later\n");
      EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms) << "refused at once";
    }
    EXPECT_EQ(clients[0]->read_reply(5s), "200:Your Registered Username is u0\n");
    EXPECT_EQ(clients[1]->read_reply(5s), "200:Your Registered Username is u1\n");
    // Once the queue drains, requests are taken again.
    clients[2]->send("register u2 " + std::string(kHash123456) + "\n");
    EXPECT_EQ(clients[2]->read_reply(5s), "200:Your Registered Username is u2\n");
  }
  server.stop();
  runner.join();
}

}  // namespace
}  // namespace tsna::testing
