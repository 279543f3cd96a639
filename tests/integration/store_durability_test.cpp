// store_durability_test.cpp - the store's promises over real connections: one winner when 100
// connections register one name at once, and an acknowledged register/changepwd survives
// kill -9 of the server.
#include <gtest/gtest.h>

#include <thread>

#include "fixture.hpp"

namespace tsna::testing {
namespace {

class StoreDurability : public ServerTest {};

TEST_F(StoreDurability, HundredConnectionsRegisteringOneNameMakeExactlyOneSucceed) {
  start();
  constexpr int kConnections = 100;
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < kConnections; ++i) {
    clients.push_back(tsna2());
  }
  // Every request is on the wire before any reply is read.
  for (auto& c : clients) {
    c->send("register racer " + std::string(kHash123456) + "\n");
  }
  int ok = 0;
  int taken = 0;
  for (auto& c : clients) {
    const std::string reply = c->read_reply();
    if (reply == "200:Your Registered Username is racer\n") {
      ++ok;
    } else if (reply == "400:Username is already in users!\n") {
      ++taken;
    } else {
      ADD_FAILURE() << reply;
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(taken, kConnections - 1);
}

TEST_F(StoreDurability, AcknowledgedRegisterAndChangepwdSurviveKill9) {
  start();
  {
    auto c = tsna2();
    ASSERT_EQ(c->tsna2_register("durable", kHash123456),
              "200:Your Registered Username is durable\n");
    ASSERT_EQ(c->tsna2_register("changed", kHash123456),
              "200:Your Registered Username is changed\n");
    ASSERT_EQ(c->tsna2_login("changed", kHash123456), "200:login is successful\n");
    c->send("changepwd " + std::string(kHash123) + "\n");
    ASSERT_EQ(c->read_reply(), "200:Successfully changed password\n");
  }
  server().kill9();
  start();
  auto c = tsna2();
  EXPECT_EQ(c->tsna2_login("durable", kHash123456), "200:login is successful\n");
  c->send("logout\n");
  EXPECT_EQ(c->read_reply(), "200:Logout from current user: durable\n");
  EXPECT_EQ(c->tsna2_login("changed", kHash123), "200:login is successful\n");
}

TEST_F(StoreDurability, GracefulStopExitsZeroAndKeepsEverything) {
  start();
  {
    auto c = tsna2();
    ASSERT_EQ(c->tsna2_register("kept", kHash123456), "200:Your Registered Username is kept\n");
  }
  auto idle = tsna2();  // a session still open at the stop
  EXPECT_EQ(server().stop(), 0);
  EXPECT_TRUE(idle->closed_by_peer());
  start();
  auto c = tsna2();
  EXPECT_EQ(c->tsna2_login("kept", kHash123456), "200:login is successful\n");
}

}  // namespace
}  // namespace tsna::testing
