// audit_log_test.cpp - DATA_DIR/data_log.jsonl over real sessions: one JSON object per message,
// never a hash, records on disk within a second, flushed on SIGTERM, reopened on SIGHUP.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "fixture.hpp"

namespace tsna::testing {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> read_lines(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

// The shape every record has (SPEC 4.3), in key order.
const std::regex kRecord(
    R"re(\{"ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","peer":"127\.0\.0\.1:\d+","user":(null|"[^"]*"),"dialect":"(classic|tsna2)","cmd":"[^"]*",("login":"[^"]+",)?"code":(null|200|300|400)\})re");
const std::regex kHexRun("[0-9a-fA-F]{32,}");

class AuditLog : public ServerTest {
 protected:
  std::filesystem::path log_path() const { return data_dir() / "data_log.jsonl"; }
};

TEST_F(AuditLog, SessionsThatRegisterLogInAndChangePasswordLeaveNoHashInTheLog) {
  start();
  {
    auto c = tsna2();
    ASSERT_EQ(c->tsna2_register("alice", kHash123456), "200:Your Registered Username is alice\n");
    ASSERT_EQ(c->tsna2_login("alice", kHash123456), "200:login is successful\n");
    c->send("changepwd " + std::string(kHash123) + "\nexit\n");
    EXPECT_EQ(c->read_reply(), "200:Successfully changed password\n");
  }
  {
    auto c = classic();
    expect_classic(*c, "register bob " + std::string(kHash123456),
                   "200:Your Registered Username is bob");
    ASSERT_EQ(classic_login(*c, "bob", kHash123456), "200:login is successful");
    expect_classic(*c, "changepwd " + std::string(kHash123), "200:Successfully changed password");
    expect_classic(*c, "login x " + std::string(kHash123),
                   "400:You have logged in bob, please logout before you want to change to other "
                   "user");
  }
  ASSERT_EQ(server().stop(), 0);
  const std::vector<std::string> lines = read_lines(log_path());
  EXPECT_EQ(lines.size(), 11u);  // 6 TSNA/2 messages (hello included), 5 classic
  for (const std::string& line : lines) {
    EXPECT_TRUE(std::regex_match(line, kRecord)) << line;
    EXPECT_FALSE(std::regex_search(line, kHexRun)) << line;
    EXPECT_EQ(line.find(kHash123), std::string::npos);
    EXPECT_EQ(line.find(kHash123456), std::string::npos);
  }
  const std::string all = [&] {
    std::string s;
    for (const auto& l : lines)
      s += l + "\n";
    return s;
  }();
  EXPECT_NE(all.find(R"("user":null,"dialect":"tsna2","cmd":"register alice ***","code":200)"),
            std::string::npos);
  EXPECT_NE(all.find(R"("user":"alice","dialect":"tsna2","cmd":"***","login":"alice","code":200)"),
            std::string::npos);
  EXPECT_NE(all.find(R"("user":"bob","dialect":"classic","cmd":"changepwd ***","code":200)"),
            std::string::npos);
  EXPECT_EQ(std::filesystem::status(log_path()).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(AuditLog, FailedLoginsSayWhichAccountTheyWereForAndHoldNoHashOrAnswer) {
  start();
  {
    auto c = tsna2();
    ASSERT_EQ(c->tsna2_register("carol", kHash123456), "200:Your Registered Username is carol\n");
    // The proof for the wrong hash: a failed TSNA/2 login for an existing account.
    EXPECT_EQ(c->tsna2_login("carol", kHash123), "400:Authentication Failed!\n");
  }
  {
    auto c = classic();
    expect_classic(*c, "login carol " + std::string(kHash123), "400:Wrong password!");
  }
  ASSERT_EQ(server().stop(), 0);
  const std::vector<std::string> lines = read_lines(log_path());
  ASSERT_EQ(lines.size(), 5u);  // hello, register, auth, answer; classic login
  for (const std::string& line : lines) {
    EXPECT_TRUE(std::regex_match(line, kRecord)) << line;
    EXPECT_FALSE(std::regex_search(line, kHexRun)) << line;
  }
  // The SCRAM messages never show: the auth line as its mechanism and decoded name.
  EXPECT_NE(lines[2].find(
                R"("user":null,"dialect":"tsna2","cmd":"auth SCRAM-SHA-256 carol","code":300})"),
            std::string::npos)
      << lines[2];
  EXPECT_NE(
      lines[3].find(R"("user":null,"dialect":"tsna2","cmd":"***","login":"carol","code":400})"),
      std::string::npos)
      << lines[3];
  EXPECT_NE(lines[4].find(R"("user":null,"dialect":"classic","cmd":"login carol ***","code":400})"),
            std::string::npos)
      << lines[4];
}

TEST_F(AuditLog, RecordsReachTheFileWithinOneSecond) {
  start();
  auto c = tsna2();
  c->send("ls\n");
  c->read_reply();
  const auto sent = std::chrono::steady_clock::now();
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() - sent < 1500ms) {
    for (const std::string& line : read_lines(log_path())) {
      seen = seen || line.find(R"("cmd":"ls","code":200)") != std::string::npos;
    }
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(seen);
}

TEST_F(AuditLog, SighupReopensTheFileForLogRotation) {
  start();
  auto c = tsna2();
  c->send("sum 1\n");
  c->read_reply();
  std::this_thread::sleep_for(1200ms);  // on disk within one second
  const auto rotated = data_dir() / "data_log.jsonl.1";
  std::filesystem::rename(log_path(), rotated);
  ::kill(server().pid(), SIGHUP);
  std::this_thread::sleep_for(500ms);
  c->send("help\n");
  c->read_reply();
  ASSERT_EQ(server().stop(), 0);
  const auto old_lines = read_lines(rotated);
  const auto new_lines = read_lines(log_path());
  ASSERT_EQ(new_lines.size(), 1u);
  EXPECT_NE(new_lines[0].find(R"("cmd":"help")"), std::string::npos);
  ASSERT_EQ(old_lines.size(), 2u);
  EXPECT_NE(old_lines[1].find(R"("cmd":"sum 1")"), std::string::npos);
}

}  // namespace
}  // namespace tsna::testing
