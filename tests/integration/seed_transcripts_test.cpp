// seed_transcripts_test.cpp - tsna-server --allow-classic replays every transcript of the
// seed report's "Command Output" and every case of its "Exception" section, byte for byte, to
// a raw classic client (no terminators, one write per message, as the seed's client sends).
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace tsna::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kHelpOut =
    "200:Available commends: \n\t?\n\thelp\n\texit\n\tlogin {name} {password}\n\tregister {name} "
    "{password}";
constexpr std::string_view kHelpIn =
    "200:Available commands: \n\t?\n\thelp\n\texit\n\tlogout\n\tchangepwd {newpassword}\n\tsum "
    "[a] [b] ...\n\tsub [a] [b]\n\tmultiply [a] [b] ...\n\tdivide [a] [b]";

class SeedTranscripts : public ServerTest {
 protected:
  void SetUp() override { start(); }
};

// Task 1 and 2: connect, ls, register, login with the challenge.
TEST_F(SeedTranscripts, ConnectListRegisterAndLogIn) {
  auto c = classic();
  expect_classic(*c, "ls", kHelpOut);
  expect_classic(*c, "register HaibinLai " + std::string(kHash123456),
                 "200:Your Registered Username is HaibinLai");
  EXPECT_EQ(classic_login(*c, "HaibinLai", kHash123456), "200:login is successful");
}

// Task 4: the calculator transcripts.
TEST_F(SeedTranscripts, CommandProcessing) {
  auto c = classic();
  expect_classic(*c, "register HaibinLai " + std::string(kHash123456),
                 "200:Your Registered Username is HaibinLai");
  ASSERT_EQ(classic_login(*c, "HaibinLai", kHash123456), "200:login is successful");
  expect_classic(*c, "sum 1 2 3 4 5", "200:15.0");
  expect_classic(*c, "sum 1.4 2.5", "200:3.9");
  expect_classic(*c, "sum -45 15.34", "200:-29.66");
  expect_classic(*c, "sum 0.2 0.1", "200:0.30000000000000004");
  expect_classic(*c, "multiply 2 3", "200:6.0");
  expect_classic(*c, "multiply 2 0", "200:0.0");
  expect_classic(*c, "multiply -1 -1", "200:1.0");
  expect_classic(*c, "multiply 223.4 5.3", "200:1184.02");
  expect_classic(*c, "sub 3 5", "200:-2.0");
  expect_classic(*c, "sub 123 24", "200:99.0");
  expect_classic(*c, "sub 123 23 45",
                 "400:Please enter Valid number! subtract $(number1) $(number2) ");
  expect_classic(*c, "subtract 23 45", "200:-22.0");
  expect_classic(*c, "divide 7 2", "200:3.5");
}

// Task 4: login, help, changepwd, logout, login with the new password.
TEST_F(SeedTranscripts, LoginHelpChangePasswordLogoutLogin) {
  auto c = classic();
  expect_classic(*c, "register HaibinLai " + std::string(kHash123456),
                 "200:Your Registered Username is HaibinLai");
  ASSERT_EQ(classic_login(*c, "HaibinLai", kHash123456), "200:login is successful");
  expect_classic(*c, "help", kHelpIn);
  expect_classic(*c, "changepwd " + std::string(kHash123), "200:Successfully changed password");
  expect_classic(*c, "logout", "200:Logout from current user: HaibinLai");
  EXPECT_EQ(classic_login(*c, "HaibinLai", kHash123), "200:login is successful");
}

TEST_F(SeedTranscripts, ExceptionsBeforeLogin) {
  auto c = classic();
  expect_classic(*c, "register bob " + std::string(kHash123456),
                 "200:Your Registered Username is bob");
  expect_classic(*c, "register bob " + std::string(kHash123), "400:Username is already in users!");
  expect_classic(*c, "login bob",
                 "400:Please re-enter the login command with your username and password");
  expect_classic(*c, "login bob a b", "400:Password shouldn't include spaces");
  expect_classic(*c, "register bob", "400:Please re-enter the command with username and password");
  expect_classic(*c, "register bob a b", "400:Username or password shouldn't include spaces");
  expect_classic(*c, "login nobody " + std::string(kHash123456), "400:The user does not exist!");
  expect_classic(*c, "login bob " + std::string(kHash123), "400:Wrong password!");
  // Challenge failed: the right hash, a wrong answer.
  EXPECT_EQ(classic_login(*c, "bob", kHash123456, kHash123), "400:Authentication Failed!");
  expect_classic(*c, "sum 1 2", "400:Invalid command");
  expect_classic(*c, "exit 1 DROP TABLE ALL", "400:Invalid command");
}

TEST_F(SeedTranscripts, ExceptionsAfterLogin) {
  auto c = classic();
  expect_classic(*c, "register bob " + std::string(kHash123456),
                 "200:Your Registered Username is bob");
  ASSERT_EQ(classic_login(*c, "bob", kHash123456), "200:login is successful");
  expect_classic(*c, "login alice " + std::string(kHash123),
                 "400:You have logged in bob, please logout before you want to change to other "
                 "user");
  expect_classic(*c, "register alice " + std::string(kHash123),
                 "400:The register command can only be done when not logging!");
  expect_classic(*c, "changepwd a b",
                 "400:Invalid password, please don't contain blank on password");
  expect_classic(*c, "changepwd", "400:Invalid password, please don't contain blank on password");
  expect_classic(*c, "changepwd " + std::string(kHash123456),
                 "400:Same password, please don't take same password!");
  expect_classic(*c, "sub 1 2 3", "400:Please enter Valid number! subtract $(number1) $(number2) ");
  expect_classic(*c, "divide 1 2 3",
                 "400:Please enter Valid number! divide $(number1) $(number2) ");
  expect_classic(*c, "divide 1 0", "400:The dividend cannot be zero!");
  expect_classic(*c, "sum nan", "400:Please enter Valid number!");
  expect_classic(*c, "sum NAN 1", "400:Please enter Valid number!");
  expect_classic(*c, "exit 1 DROP TABLE ALL", "400:What are you doing?");
  expect_classic(*c, "foo", "400:Invalid command! Please use help to show commands!");
  expect_classic(*c, "exit", "200:disconnected");
  EXPECT_TRUE(c->closed_by_peer());
}

TEST_F(SeedTranscripts, ExitBeforeLoginDisconnects) {
  auto c = classic();
  expect_classic(*c, "exit", "200:disconnected");
  EXPECT_TRUE(c->closed_by_peer());
}

TEST_F(SeedTranscripts, ReadHoldingTwoNewlineTerminatedCommandsGetsTwoReplies) {
  auto c = classic();
  c->send("sum 1\r\nls\n");
  EXPECT_EQ(c->read_exact(19 + kHelpOut.size()), "400:Invalid command" + std::string(kHelpOut));
}

TEST_F(SeedTranscripts, ClassicLoginIsRefusedWithoutAllowClassic) {
  server_.reset();
  start({});
  auto c = classic();
  expect_classic(*c, "register bob " + std::string(kHash123456),
                 "400:Classic login is disabled on this server; use a TSNA/2 client");
  expect_classic(*c, "login bob " + std::string(kHash123456),
                 "400:Classic login is disabled on this server; use a TSNA/2 client");
  expect_classic(*c, "ls", kHelpOut);
}

}  // namespace
}  // namespace tsna::testing
