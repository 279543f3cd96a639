// session_test.cpp - the per-connection state machine without a socket: both dialects, both
// logins step by step, deadlines, throttling, pausing for the store and for a slow reader.
#include "session/session.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "auth/hex.hpp"
#include "auth/ntlm.hpp"
#include "support/fixed_random.hpp"
#include "support/memory_user_store.hpp"

namespace tsna {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kHash = "910f4aff69c6c642b3756489bb81a945";   // ntlm_hash("123456")
constexpr std::string_view kHash2 = "b3358c3dc3c4b063dd668b7f6620c3d2";  // ntlm_hash("123")

class RecordingAudit final : public AuditSink {
 public:
  struct Entry {
    std::optional<std::string> user;
    Dialect dialect;
    std::string cmd;
    bool is_answer;
    int code;
  };
  void record(const AuditEvent& e) override {
    entries.push_back({e.user ? std::optional<std::string>(*e.user) : std::nullopt, e.dialect,
                       std::string(e.cmd), e.is_answer, e.code});
  }
  std::vector<Entry> entries;
};

std::vector<std::uint8_t> counting_bytes() {
  std::vector<std::uint8_t> b(256);
  std::iota(b.begin(), b.end(), 0);
  return b;
}

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() : random_(counting_bytes()), throttle_(limits_, clock_) { make_session(); }

  void make_session(bool allow_classic = true) {
    ctx_.limits = limits_;
    ctx_.allow_classic_login = allow_classic;
    ctx_.users = &users_;
    ctx_.throttle = &throttle_;
    ctx_.random = &random_;
    ctx_.audit = &audit_;
    ctx_.clock = &clock_;
    session_ = std::make_unique<Session>(ctx_, "127.0.0.1:54022");
    session_->start();
    EXPECT_EQ(take_output(), "success");
  }

  std::string take_output() {
    std::string out;
    out.swap(session_->output());
    return out;
  }

  // Feeds one read and drives store writes and flushes to completion, as the server would.
  // Each flushed chunk is one write; returns them joined by '|' when `writes` is set.
  std::string send(std::string_view bytes, bool full = false) {
    session_->on_read(bytes, full);
    return drive();
  }

  std::string drive() {
    std::string all;
    for (;;) {
      switch (session_->want()) {
        case Want::kStore: {
          const StoreRequest& r = session_->store_request();
          StoreOutcome o;
          if (r.kind == StoreRequest::Kind::kAdd) {
            o = users_.add(r.name, r.hash) == AddResult::kAdded ? StoreOutcome::kDone
                                                                : StoreOutcome::kConflict;
          } else {
            o = users_.change(r.name, r.hash) == ChangeResult::kChanged ? StoreOutcome::kDone
                                                                        : StoreOutcome::kConflict;
          }
          session_->on_store_done(o);
          break;
        }
        case Want::kFlush:
          writes_.push_back(take_output());
          all += writes_.back();
          session_->on_output_sent();
          break;
        case Want::kRead:
        case Want::kClose:
          if (!session_->output().empty()) {
            writes_.push_back(take_output());
            all += writes_.back();
          }
          return all;
      }
    }
  }

  std::string upgrade() { return send("hello TSNA/2\n"); }

  std::string challenge_hex() const { return auth::to_hex(last_challenge_); }

  // Answers a TSNA/2 challenge line "300:<hex>\n" with the MAC for `hash`.
  std::string answer_for(std::string_view challenge_line, std::string_view user,
                         std::string_view hash) {
    EXPECT_EQ(challenge_line.substr(0, 4), "300:");
    EXPECT_EQ(challenge_line.size(), 4u + 32u + 1u);
    std::array<std::uint8_t, 16> challenge{};
    EXPECT_TRUE(auth::from_hex(challenge_line.substr(4, 32), challenge));
    const std::array<std::uint8_t, 16> nonce{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
    const auth::Digest mac = auth::tsna2_mac(hash, challenge, nonce, user);
    return auth::to_hex(nonce) + " " + auth::to_hex(mac) + "\n";
  }

  std::string tsna2_login(std::string_view user, std::string_view hash) {
    const std::string challenge = send("login " + std::string(user) + "\n");
    return send(answer_for(challenge, user, hash));
  }

  Limits limits_;
  ManualClock clock_;
  MemoryUserStore users_;
  FixedRandom random_;
  RecordingAudit audit_;
  auth::LoginThrottle throttle_;
  SessionContext ctx_;
  std::unique_ptr<Session> session_;
  std::vector<std::string> writes_;
  std::array<std::uint8_t, 16> last_challenge_{};
};

TEST_F(SessionTest, ClassicHelpIsTheSeedsTextWithNoTerminator) {
  EXPECT_EQ(send("ls"),
            "200:Available commends: \n\t?\n\thelp\n\texit\n\tlogin {name} {password}\n\tregister "
            "{name} {password}");
}

TEST_F(SessionTest, ClassicRepliesAreOneWriteEach) {
  send("ls\nsum 1 2\nexit\n");
  ASSERT_EQ(writes_.size(), 3u);
  EXPECT_EQ(writes_[1], "400:Invalid command");
  EXPECT_EQ(writes_[2], "200:disconnected");
  EXPECT_EQ(session_->want(), Want::kClose);
}

TEST_F(SessionTest, HelloUpgradesToFramedRepliesIncludingBytesInTheSameRead) {
  EXPECT_EQ(send("hello TSNA/2\nls\n"),
            "200:TSNA/2\n200-Available commends: \n200-\t?\n200-\thelp\n200-\texit\n200-\tlogin "
            "{name} {password}\n200:\tregister {name} {password}\n");
  EXPECT_EQ(session_->dialect(), Dialect::kTsna2);
}

TEST_F(SessionTest, HelloWithAnotherVersionIsRefusedAndTheConnectionStaysClassic) {
  EXPECT_EQ(send("hello TSNA/3\n"),
            "400:Unsupported protocol version; this server speaks TSNA/2\n");
  EXPECT_EQ(session_->dialect(), Dialect::kClassic);
  EXPECT_EQ(send("sum 1"), "400:Invalid command");
}

TEST_F(SessionTest, HelloLaterInAConnectionIsAnUnknownCommand) {
  send("ls");
  EXPECT_EQ(send("hello TSNA/2\n"), "400:Invalid command");
  upgrade();
}

TEST_F(SessionTest, Tsna2BlankLinesAreIgnoredAndPipelinedRepliesKeepTheirOrder) {
  upgrade();
  EXPECT_EQ(send("\n  \r\nexit 1\n\nsum\n"), "400:Invalid command\n400:Invalid command\n");
}

TEST_F(SessionTest, Tsna2RegisterLoginChangeLogoutExit) {
  upgrade();
  EXPECT_EQ(send("register bob " + std::string(kHash) + "\n"),
            "200:Your Registered Username is bob\n");
  EXPECT_EQ(send("register bob " + std::string(kHash) + "\n"),
            "400:Username is already in users!\n");
  EXPECT_EQ(tsna2_login("bob", kHash), "200:login is successful\n");
  EXPECT_EQ(session_->user(), "bob");
  EXPECT_EQ(send("sum 1 2 3 4 5\n"), "200:15.0\n");
  EXPECT_EQ(send("changepwd " + std::string(kHash) + "\n"),
            "400:Same password, please don't take same password!\n");
  EXPECT_EQ(send("changepwd " + std::string(kHash2) + "\n"), "200:Successfully changed password\n");
  EXPECT_EQ(users_.find("bob"), std::string(kHash2));
  EXPECT_EQ(send("logout\n"), "200:Logout from current user: bob\n");
  EXPECT_EQ(tsna2_login("bob", kHash), "400:Authentication Failed!\n");
  EXPECT_EQ(tsna2_login("bob", kHash2), "200:login is successful\n");
  EXPECT_EQ(send("exit\n"), "200:disconnected\n");
  EXPECT_EQ(session_->want(), Want::kClose);
}

TEST_F(SessionTest, Tsna2ChallengeIsSixteenRandomBytesAsLowercaseHex) {
  upgrade();
  users_.add("bob", kHash);
  // FixedRandom hands out 0, 1, 2, ... in order.
  EXPECT_EQ(send("login bob\n"), "300:000102030405060708090a0b0c0d0e0f\n");
}

TEST_F(SessionTest, Tsna2UnknownUserGetsADecoyChallengeThenTheSameFailure) {
  upgrade();
  const std::string challenge = send("login nobody\n");
  EXPECT_EQ(challenge.substr(0, 4), "300:");
  EXPECT_EQ(challenge.size(), 37u);
  EXPECT_EQ(send(answer_for(challenge, "nobody", kHash)), "400:Authentication Failed!\n");
}

TEST_F(SessionTest, Tsna2AnswerOfAnyOtherShapeFailsAndSpendsTheChallenge) {
  upgrade();
  users_.add("bob", kHash);
  for (const char* answer : {"sum 1 2\n", "\n", "00 11\n", "login bob\n"}) {
    EXPECT_EQ(send("login bob\n").substr(0, 4), "300:");
    EXPECT_EQ(send(answer), "400:Authentication Failed!\n") << answer;
  }
  // Uppercase hex is another shape too.
  const std::string challenge = send("login bob\n");
  std::string good = answer_for(challenge, "bob", kHash);
  for (char& c : good) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  EXPECT_EQ(send(good), "400:Authentication Failed!\n");
}

TEST_F(SessionTest, Tsna2AnswerAfterTheChallengeExpiredFails) {
  upgrade();
  users_.add("bob", kHash);
  const std::string challenge = send("login bob\n");
  clock_.advance(31s);
  EXPECT_EQ(send(answer_for(challenge, "bob", kHash)), "400:Authentication Failed!\n");
}

TEST_F(SessionTest, Tsna2AnswerIsGoodForOneChallengeOnly) {
  upgrade();
  users_.add("bob", kHash);
  const std::string first = send("login bob\n");
  const std::string answer = answer_for(first, "bob", kHash);
  EXPECT_EQ(send(answer), "200:login is successful\n");
  send("logout\n");
  EXPECT_EQ(send("login bob\n").substr(0, 4), "300:");
  EXPECT_EQ(send(answer), "400:Authentication Failed!\n");
}

TEST_F(SessionTest, Tsna2MacCoversTheUserName) {
  upgrade();
  users_.add("bob", kHash);
  users_.add("eve", kHash);
  const std::string challenge = send("login bob\n");
  EXPECT_EQ(send(answer_for(challenge, "eve", kHash)), "400:Authentication Failed!\n");
}

TEST_F(SessionTest, Tsna2ChannelBindingMustBeInTheMac) {
  session_->set_channel_binding(std::array<std::uint8_t, 32>{1});
  upgrade();
  users_.add("bob", kHash);
  EXPECT_EQ(tsna2_login("bob", kHash), "400:Authentication Failed!\n");
}

TEST_F(SessionTest, Tsna2LineOverTheLimitIsRefusedInPlaceAndTheNextLineServed) {
  upgrade();
  EXPECT_EQ(send(std::string(5000, 'x') + "\nls\n").substr(0, 26), "400:Message too long\n200-A");
}

// Regression (found by session_fuzz): an overlong line after a challenge left the challenge
// live, so the line after it was taken as the answer.
TEST_F(SessionTest, Tsna2OverlongLineInPlaceOfTheAnswerSpendsTheChallenge) {
  upgrade();
  users_.add("bob", kHash);
  const std::string challenge = send("login bob\n");
  EXPECT_EQ(send(std::string(5000, 'x') + "\n"), "400:Message too long\n");
  EXPECT_EQ(send(answer_for(challenge, "bob", kHash)), "400:Invalid command\n");
  EXPECT_FALSE(session_->user());
}

TEST_F(SessionTest, Tsna2InvalidUtf8AndNulGetTheUnknownCommandReply) {
  upgrade();
  using namespace std::string_literals;
  EXPECT_EQ(send("\xff\xfe\n"), "400:Invalid command\n");
  EXPECT_EQ(send("ls\0\n"s), "400:Invalid command\n");
}

TEST_F(SessionTest, ClassicLoginSendsTheRawChallengeThenChecksTheRawAnswer) {
  users_.add("HaibinLai", kHash);
  const std::string challenge = send("login HaibinLai " + std::string(kHash));
  ASSERT_EQ(challenge.size(), 8u);
  EXPECT_EQ(challenge, std::string("\x00\x01\x02\x03\x04\x05\x06\x07", 8));
  const auth::Digest answer = auth::classic_response(
      kHash, std::span(reinterpret_cast<const std::uint8_t*>(challenge.data()), 8));
  EXPECT_EQ(send(std::string_view(reinterpret_cast<const char*>(answer.data()), 16)), "");
  EXPECT_EQ(send(std::string_view(reinterpret_cast<const char*>(answer.data()) + 16, 16)),
            "200:login is successful");
  EXPECT_EQ(send("help"),
            "200:Available commands: \n\t?\n\thelp\n\texit\n\tlogout\n\tchangepwd "
            "{newpassword}\n\tsum [a] [b] ...\n\tsub [a] [b]\n\tmultiply [a] [b] ...\n\tdivide "
            "[a] [b]");
}

TEST_F(SessionTest, ClassicAnswerArrivingInTheSameReadAsTheLoginIsTaken) {
  users_.add("bob", kHash);
  const std::string challenge(8, '\0');  // FixedRandom starts at 0, 1, 2...
  const std::string first = std::string("\x00\x01\x02\x03\x04\x05\x06\x07", 8);
  const auth::Digest answer = auth::classic_response(
      kHash, std::span(reinterpret_cast<const std::uint8_t*>(first.data()), 8));
  std::string read = "login bob " + std::string(kHash) + "\n";
  read.append(reinterpret_cast<const char*>(answer.data()), answer.size());
  read += "sum 1 2";
  send(read);
  ASSERT_EQ(writes_.size(), 3u);
  EXPECT_EQ(writes_[0], first);
  EXPECT_EQ(writes_[1], "200:login is successful");
  EXPECT_EQ(writes_[2], "200:3.0");
}

TEST_F(SessionTest, ClassicLoginErrorsOfTheSeed) {
  users_.add("haibin", kHash);
  EXPECT_EQ(send("login nobody " + std::string(kHash)), "400:The user does not exist!");
  EXPECT_EQ(send("login haibin " + std::string(kHash2)), "400:Wrong password!");
  EXPECT_EQ(send("login haibin " + std::string(kHash)).size(), 8u);
  EXPECT_EQ(send(std::string(32, 'x')), "400:Authentication Failed!");
}

TEST_F(SessionTest, ClassicChallengeUnansweredInTimeFails) {
  users_.add("bob", kHash);
  EXPECT_EQ(send("login bob " + std::string(kHash)).size(), 8u);
  EXPECT_EQ(session_->deadline(), clock_.now() + 30s);
  clock_.advance(30s);
  session_->on_deadline(clock_.now());
  EXPECT_EQ(drive(), "400:Authentication Failed!");
  EXPECT_EQ(session_->want(), Want::kRead);
  EXPECT_EQ(send("ls").substr(0, 24), "200:Available commends: ");
}

TEST_F(SessionTest, ClassicLoginIsDisabledWithoutAllowClassic) {
  make_session(false);
  EXPECT_EQ(send("register bob " + std::string(kHash)),
            "400:Classic login is disabled on this server; use a TSNA/2 client");
  EXPECT_FALSE(users_.find("bob"));
}

TEST_F(SessionTest, FiveFailuresThrottleTheNameAndAddress) {
  upgrade();
  users_.add("bob", kHash);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(tsna2_login("bob", kHash2), "400:Authentication Failed!\n");
  }
  EXPECT_EQ(send("login bob\n"), "400:Too many failed logins, try again in 1 s\n");
  clock_.advance(1s);
  EXPECT_EQ(tsna2_login("bob", kHash), "200:login is successful\n");
}

TEST_F(SessionTest, IdleConnectionIsClosedAtTheDeadline) {
  upgrade();
  clock_.advance(299s);
  session_->on_deadline(clock_.now());
  EXPECT_EQ(session_->want(), Want::kRead);
  clock_.advance(1s);
  session_->on_deadline(clock_.now());
  EXPECT_EQ(session_->want(), Want::kClose);
}

TEST_F(SessionTest, DribbledUnendedLineDoesNotKeepTheConnectionAlive) {
  upgrade();
  const SteadyTime start = clock_.now();
  for (int i = 0; i < 10; ++i) {
    clock_.advance(1s);
    send("x");
  }
  EXPECT_EQ(session_->deadline(), start + 300s);
}

TEST_F(SessionTest, SlowReaderPausesInputAtTheOutputLimit) {
  limits_.max_output_bytes = 1024;
  make_session();
  upgrade();
  std::string many;
  for (int i = 0; i < 100; ++i) {
    many += "help\n";
  }
  session_->on_read(many, false);
  EXPECT_EQ(session_->want(), Want::kFlush);
  EXPECT_LE(session_->output().size(), 1024u + 200u);
  const std::string rest = drive();
  EXPECT_GT(writes_.size(), 2u);
}

TEST_F(SessionTest, StoreRequestPausesTheSessionUntilItsResult) {
  upgrade();
  session_->on_read("register bob " + std::string(kHash) + "\nsum 1\n", false);
  ASSERT_EQ(session_->want(), Want::kStore);
  EXPECT_EQ(session_->store_request().name, "bob");
  EXPECT_EQ(session_->output(), "");
  session_->on_store_done(StoreOutcome::kConflict);
  EXPECT_EQ(session_->output(), "400:Username is already in users!\n400:Invalid command\n");
}

TEST_F(SessionTest, StoreFailureIsReportedAndNothingChanges) {
  upgrade();
  session_->on_read("register bob " + std::string(kHash) + "\n", false);
  session_->on_store_done(StoreOutcome::kFailed);
  EXPECT_EQ(session_->output(), "400:Server storage error, nothing was changed\n");
}

TEST_F(SessionTest, EveryMessageIsAuditedWithItsCodeAndAnswersAreMarked) {
  upgrade();
  users_.add("bob", kHash);
  tsna2_login("bob", kHash);
  send("sum 1 2\n");
  ASSERT_EQ(audit_.entries.size(), 4u);
  EXPECT_EQ(audit_.entries[0].cmd, "hello TSNA/2");
  EXPECT_EQ(audit_.entries[0].code, 200);
  EXPECT_EQ(audit_.entries[1].cmd, "login bob");
  EXPECT_EQ(audit_.entries[1].code, 300);
  EXPECT_FALSE(audit_.entries[1].user);
  EXPECT_TRUE(audit_.entries[2].is_answer);
  EXPECT_EQ(audit_.entries[2].code, 200);
  EXPECT_EQ(audit_.entries[3].user, "bob");
  EXPECT_EQ(audit_.entries[3].dialect, Dialect::kTsna2);
}

}  // namespace
}  // namespace tsna
