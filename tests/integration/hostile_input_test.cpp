// hostile_input_test.cpp - bad input gets a 400 and loses nothing: NUL bytes, invalid UTF-8,
// a 1 MiB line, random binary; other connections keep being served meanwhile.
#include <gtest/gtest.h>

#include <random>

#include "fixture.hpp"

namespace tsna::testing {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

class HostileInput : public ServerTest {
 protected:
  void SetUp() override {
    start();
    bystander_ = tsna2();
    ASSERT_EQ(bystander_->tsna2_register("bystander", kHash123456),
              "200:Your Registered Username is bystander\n");
    ASSERT_EQ(bystander_->tsna2_login("bystander", kHash123456), "200:login is successful\n");
  }
  // The other connection is still served, at once.
  void expect_bystander_served() {
    bystander_->send("sum 1 2\n");
    EXPECT_EQ(bystander_->read_reply(2s), "200:3.0\n");
  }
  std::unique_ptr<TestClient> bystander_;
};

TEST_F(HostileInput, Tsna2NulBytesGetTheUnknownCommandReply) {
  auto c = tsna2();
  c->send("help\0\nls\0extra\n\0\n"s);
  EXPECT_EQ(c->read_reply(), "400:Invalid command\n");
  EXPECT_EQ(c->read_reply(), "400:Invalid command\n");
  EXPECT_EQ(c->read_reply(), "400:Invalid command\n");
  expect_bystander_served();
}

TEST_F(HostileInput, Tsna2InvalidUtf8GetsTheUnknownCommandReply) {
  auto c = tsna2();
  c->send("\xc3\x28\n\xed\xa0\x80\n\xf8\x88\x80\x80\x80\nsum \xff\n");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(c->read_reply(), "400:Invalid command\n") << i;
  }
}

TEST_F(HostileInput, Tsna2MegabyteLineIsTooLongAndTheConnectionGoesOn) {
  auto c = tsna2();
  c->send(std::string(1 << 20, 'A') + "\nsum 1 2\n");
  EXPECT_EQ(c->read_reply(), "400:Message too long\n");
  EXPECT_EQ(c->read_reply(), "400:Invalid command\n");
  c->send("ls\n");
  EXPECT_EQ(c->read_reply().substr(0, 24), "200-Available commends: ");
  expect_bystander_served();
}

TEST_F(HostileInput, ClassicMegabyteMessageIsTooLongAndTheConnectionGoesOn) {
  auto c = classic();
  c->send(std::string(1 << 20, 'A') + "\n");
  // Each read past the limit is answered; none is buffered.
  const std::string replies = c->read_available(300ms);
  ASSERT_FALSE(replies.empty());
  std::string_view rest = replies;
  while (!rest.empty()) {
    ASSERT_EQ(rest.substr(0, 20), "400:Message too long") << replies.size();
    rest.remove_prefix(20);
  }
  expect_classic(*c, "sum 1", "400:Invalid command");
  expect_bystander_served();
}

TEST_F(HostileInput, ClassicNulAndInvalidUtf8GetTheUnknownCommandReply) {
  auto c = classic();
  expect_classic(*c, "ls\0"s, "400:Invalid command");
  expect_classic(*c, "\xff\xfe\xfd", "400:Invalid command");
  expect_classic(*c, " ", "400:Invalid command");
}

TEST_F(HostileInput, RandomBinaryIsAnsweredNeverCrashesAndOthersAreServed) {
  std::mt19937 rng(20241109);
  for (int session = 0; session < 50; ++session) {
    auto c = std::make_unique<TestClient>(port());
    std::string junk(1 + rng() % 8192, '\0');
    for (char& ch : junk) {
      ch = static_cast<char>(rng());
    }
    if (session % 2 == 0) {
      junk = "hello TSNA/2\n" + junk;
    }
    c->send(junk);
    c->read_available(5ms, 200ms);
  }
  expect_bystander_served();
  auto fresh = tsna2();
  fresh->send("ls\n");
  EXPECT_EQ(fresh->read_reply().substr(0, 24), "200-Available commends: ");
}

}  // namespace
}  // namespace tsna::testing
