// plain_connection_test.cpp - the plain-TCP connection driver's edges over a real socket: its
// socket is watched edge-triggered, so input left behind by a full read, a burst larger than
// several reads, and a peer that half-closes after its last request must still be answered.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <string>

#include "fixture.hpp"

namespace tsna::testing {
namespace {

using namespace std::chrono_literals;

class PlainConnection : public ServerTest {
 protected:
  void SetUp() override { start(); }
  std::unique_ptr<TestClient> logged_in() {
    auto c = tsna2();
    EXPECT_EQ(c->tsna2_register("carol", kHash123456), "200:Your Registered Username is carol\n");
    EXPECT_EQ(c->tsna2_login("carol", kHash123456), "200:login is successful\n");
    return c;
  }
};

TEST_F(PlainConnection, BurstOfTenThousandPipelinedCommandsIsAnsweredInFullAndInOrder) {
  auto c = logged_in();
  // 80,000 bytes: several times the loop's 16 KiB read buffer, so the connection reads until
  // the socket is empty and gives the other connections turns in between.
  std::string burst;
  std::string expected;
  for (int i = 0; i < 10000; ++i) {
    burst += (i % 2 == 0) ? "sum 1 2\n" : "sum 2 2\n";
    expected += (i % 2 == 0) ? "200:3.0\n" : "200:4.0\n";
  }
  c->send(burst);
  EXPECT_EQ(c->read_exact(expected.size(), 20s), expected);
  c->send("sum 3 4\n");
  EXPECT_EQ(c->read_reply(), "200:7.0\n");
}

TEST_F(PlainConnection, PeerThatShutsItsSendingSideGetsItsRepliesThenTheEnd) {
  auto c = logged_in();
  c->send("sum 1 2\nsum 5 5\n");
  ASSERT_EQ(::shutdown(c->fd(), SHUT_WR), 0);
  EXPECT_EQ(c->read_reply(), "200:3.0\n");
  EXPECT_EQ(c->read_reply(), "200:10.0\n");
  EXPECT_TRUE(c->closed_by_peer());
}

TEST_F(PlainConnection, InputThatArrivesWithAStoreWriteIsAnsweredAfterItInOrder) {
  auto c = logged_in();
  // One write: the changepwd waits for the store thread while the rest of the read is held;
  // no new input will come to wake the connection, so it must go on by itself.
  c->send("changepwd " + std::string(kHash123) + "\nsum 1 2\nsum 2 3\n");
  EXPECT_EQ(c->read_reply(), "200:Successfully changed password\n");
  EXPECT_EQ(c->read_reply(), "200:3.0\n");
  EXPECT_EQ(c->read_reply(), "200:5.0\n");
}

}  // namespace
}  // namespace tsna::testing
