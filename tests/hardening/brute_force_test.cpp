// brute_force_test.cpp - SPEC 4.4 throttling and the SPEC 1.2 decoy against the real server, with
// peers on distinct loopback addresses: guessers get no more challenges than the backoff allows,
// others are not locked out, unknown users look like known ones. Needs no server internals.
#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <random>
#include <thread>

#include "auth/scram_verifier.hpp"
#include "fixture.hpp"
#include "peer_client.hpp"
#include "support/scram_steps.hpp"

namespace tsna::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;
using Seconds = std::chrono::duration<double>;

// SPEC 4.4: locked after 5 failures; the lock starts at 1 s and doubles, up to 300 s.
constexpr int kThreshold = 5;
Seconds lock_after(int failures) {
  if (failures < kThreshold) {
    return Seconds(0);
  }
  return Seconds(std::min(std::pow(2.0, failures - kThreshold), 300.0));
}

// "300:" + a base64 SCRAM server-first message + "\n" (SPEC 1.2).
bool is_challenge_line(std::string_view line) {
  if (line.size() < 6 || line.substr(0, 4) != "300:" || line.back() != '\n') {
    return false;
  }
  const auto first = auth::from_base64(line.substr(4, line.size() - 5));
  return first && first->size() > 2 && (*first)[0] == 'r' && (*first)[1] == '=';
}

// N of "400:Too many failed logins, try again in N s\n" (SPEC 4.4), or nullopt.
std::optional<int> throttled_wait(std::string_view line) {
  constexpr std::string_view kPrefix = "400:Too many failed logins, try again in ";
  constexpr std::string_view kSuffix = " s\n";
  if (line.size() <= kPrefix.size() + kSuffix.size() || line.substr(0, kPrefix.size()) != kPrefix ||
      line.substr(line.size() - kSuffix.size()) != kSuffix) {
    return std::nullopt;
  }
  const std::string_view digits =
      line.substr(kPrefix.size(), line.size() - kPrefix.size() - kSuffix.size());
  if (digits.size() > 6 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoi(std::string(digits));
}

struct Attempt {
  Clock::time_point sent;     // `auth SCRAM-SHA-256 <client-first for NAME>` sent
  Clock::time_point replied;  // its reply read
  bool challenged = false;    // 300, then a wrong answer
  int wait_s = 0;             // N of a throttled reply
  Clock::time_point answer_sent;
  Clock::time_point answer_replied;
};

struct Attack {
  std::vector<Attempt> attempts;
  int challenges = 0;
  int throttled = 0;
};

// `count` wrong logins, one every `interval` (as fast as the server answers when it lags), the
// i-th for `name(i)` over `peer(i)`; `meanwhile()` runs once, just before attempt `midpoint`.
Attack run_attack(int count, Ms interval, const std::function<std::string(int)>& name,
                  const std::function<PeerClient&(int)>& peer, int midpoint,
                  const std::function<void()>& meanwhile) {
  Attack attack;
  const auto t0 = Clock::now();
  for (int i = 0; i < count; ++i) {
    if (i == midpoint) {
      meanwhile();
    }
    std::this_thread::sleep_until(t0 + i * interval);
    PeerClient& c = peer(i);
    const std::string user = name(i);
    Attempt a;
    ScramSteps scram(user, kHash123);
    const std::string auth_line = scram.auth_line();
    a.sent = Clock::now();
    c.send(auth_line);
    const std::string reply = c.read_line();
    a.replied = Clock::now();
    if (is_challenge_line(reply)) {
      a.challenged = true;
      ++attack.challenges;
      const std::string answer = scram.answer_line(reply);
      a.answer_sent = Clock::now();
      c.send(answer);
      const std::string verdict = c.read_line();
      a.answer_replied = Clock::now();
      EXPECT_EQ(verdict, "400:Authentication Failed!\n") << "attempt " << i;
    } else if (const std::optional<int> wait = throttled_wait(reply)) {
      ++attack.throttled;
      a.wait_s = *wait;
    } else {
      ADD_FAILURE() << "attempt " << i << ": unexpected reply '" << reply << "'";
      break;
    }
    attack.attempts.push_back(a);
  }
  return attack;
}

Seconds between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<Seconds>(to - from);
}

// Checks every attempt against the schedule, from the client's clock only: a challenge after
// the 5th failure came no earlier than the lock allowed (from when the last wrong answer was
// sent); a refusal came while the lock still ran (from when its verdict was read), and its N is
// the remaining time rounded up. Returns the challenges the schedule allows for the attack's
// length: 5 + floor(log2(T + 1)), T counted from the 5th failure.
int check_schedule(const Attack& attack) {
  int failures = 0;
  int reported = 0;
  Clock::time_point last_sent;
  Clock::time_point last_read;
  constexpr Seconds kTolerance(0.005);
  for (std::size_t i = 0; i < attack.attempts.size(); ++i) {
    if (::testing::Test::HasFailure() && ++reported > 10) {
      ADD_FAILURE() << "more schedule violations not shown";
      break;
    }
    const Attempt& a = attack.attempts[i];
    const Seconds lock = lock_after(failures);
    if (a.challenged) {
      if (failures >= kThreshold) {
        EXPECT_GE(between(last_sent, a.replied).count(), lock.count())
            << "attempt " << i << " was challenged before its " << lock.count() << " s lock ended";
      }
      ++failures;
      last_sent = a.answer_sent;
      last_read = a.answer_replied;
      continue;
    }
    EXPECT_GE(failures, kThreshold) << "attempt " << i << " was refused before 5 failures";
    const Seconds least = lock - between(last_sent, a.replied);
    const Seconds most = lock - between(last_read, a.sent);
    EXPECT_GT(most.count() + kTolerance.count(), 0.0)
        << "attempt " << i << " was refused after its " << lock.count() << " s lock ended";
    EXPECT_GE(a.wait_s, static_cast<int>(std::ceil(least.count() - kTolerance.count())))
        << "attempt " << i;
    EXPECT_LE(a.wait_s, static_cast<int>(std::ceil(most.count() + kTolerance.count())))
        << "attempt " << i;
  }
  if (failures < kThreshold) {
    return kThreshold;
  }
  const Clock::time_point fifth = [&] {
    int seen = 0;
    for (const Attempt& a : attack.attempts) {
      if (a.challenged && ++seen == kThreshold) {
        return a.answer_sent;
      }
    }
    return Clock::time_point{};
  }();
  const double t = between(fifth, attack.attempts.back().replied).count();
  return kThreshold + static_cast<int>(std::floor(std::log2(t + 1.0)));
}

class BruteForce : public HardeningTest {
 protected:
  void SetUp() override {
    start();
    auto c = tsna2();
    ASSERT_EQ(c->tsna2_register("alice", kHash123456), "200:Your Registered Username is alice\n");
    ASSERT_EQ(c->tsna2_register("victim", kHash123456), "200:Your Registered Username is victim\n");
  }

  // A valid user logs in from `address` on a fresh connection; returns how long it took.
  Ms login_from(const std::string& address, std::string_view user) {
    PeerClient c(port(), address);
    c.upgrade();
    const auto t0 = Clock::now();
    EXPECT_EQ(c.tsna2_login(user, kHash123456), "200:login is successful\n")
        << user << "@" << address;
    return std::chrono::duration_cast<Ms>(Clock::now() - t0);
  }

  // The attack's length: one attempt every 4 ms; CI 1,000 (4 s), soak 10,000 (40 s).
  const int attempts_ = ci_or_soak(1000, 10000);
  const Ms interval_{4};
};

// One address guessing with a fresh (unknown) name each time: only the address is counted.
TEST_F(BruteForce, OneAddressGuessingManyNamesIsSlowedByTheBackoffWhileOthersLogInAtOnce) {
  PeerClient attacker(port(), "127.0.0.1");
  attacker.upgrade();
  Ms other_login{0};
  std::string alice_from_attacker;
  const Attack attack = run_attack(
      attempts_, interval_, [](int i) { return "guess" + std::to_string(i); },
      [&](int) -> PeerClient& { return attacker; }, attempts_ / 2,
      [&] {
        // The attacker's address is locked even for a valid user; another address is not.
        PeerClient same(port(), "127.0.0.1");
        same.upgrade();
        same.send(ScramSteps("alice", kHash123456).auth_line());
        alice_from_attacker = same.read_line();
        other_login = login_from("127.0.0.2", "alice");
      });
  ASSERT_EQ(static_cast<int>(attack.attempts.size()), attempts_);
  const int allowed = check_schedule(attack);
  EXPECT_LE(attack.challenges, allowed);
  EXPECT_GE(attack.challenges, allowed - 1) << "the lock did not expire on schedule";
  EXPECT_EQ(attack.challenges + attack.throttled, attempts_);
  EXPECT_TRUE(throttled_wait(alice_from_attacker).has_value())
      << "alice from the attacker's address: " << alice_from_attacker;
  EXPECT_LT(other_login, 500ms);
  const double seconds =
      between(attack.attempts.front().sent, attack.attempts.back().replied).count();
  record_figure("bruteforce.address.attempts", std::to_string(attempts_));
  record_figure("bruteforce.address.seconds", std::to_string(seconds));
  record_figure("bruteforce.address.challenges", std::to_string(attack.challenges));
  record_figure("bruteforce.address.throttled", std::to_string(attack.throttled));
  record_figure("bruteforce.address.schedule_allows", std::to_string(allowed));
  record_figure("bruteforce.address.other_address_login_ms", std::to_string(other_login.count()));
}

// One known name guessed from 16 addresses in turn: only the name is counted (no address
// reaches 5 failures); the name is locked for every address, other names are not.
TEST_F(BruteForce, OneNameGuessedFromManyAddressesIsSlowedWhileOtherNamesLogInAtOnce) {
  std::vector<std::unique_ptr<PeerClient>> attackers;
  for (unsigned k = 0; k < 16; ++k) {
    attackers.push_back(std::make_unique<PeerClient>(port(), loopback_address(1, k)));
    attackers.back()->upgrade();
  }
  Ms other_login{0};
  std::string victim_elsewhere;
  const Attack attack = run_attack(
      attempts_, interval_, [](int) { return std::string("victim"); },
      [&](int i) -> PeerClient& { return *attackers[static_cast<std::size_t>(i) % 16]; },
      attempts_ / 2,
      [&] {
        other_login = login_from("127.0.0.2", "alice");
        PeerClient c(port(), "127.0.0.3");
        c.upgrade();
        c.send(ScramSteps("victim", kHash123456).auth_line());
        victim_elsewhere = c.read_line();
      });
  ASSERT_EQ(static_cast<int>(attack.attempts.size()), attempts_);
  const int allowed = check_schedule(attack);
  EXPECT_LE(attack.challenges, allowed);
  EXPECT_GE(attack.challenges, allowed - 1) << "the lock did not expire on schedule";
  EXPECT_TRUE(throttled_wait(victim_elsewhere).has_value())
      << "victim from a fresh address: " << victim_elsewhere;
  EXPECT_LT(other_login, 500ms);
  const double seconds =
      between(attack.attempts.front().sent, attack.attempts.back().replied).count();
  record_figure("bruteforce.name.attempts", std::to_string(attempts_));
  record_figure("bruteforce.name.seconds", std::to_string(seconds));
  record_figure("bruteforce.name.challenges", std::to_string(attack.challenges));
  record_figure("bruteforce.name.throttled", std::to_string(attack.throttled));
  record_figure("bruteforce.name.schedule_allows", std::to_string(allowed));
  record_figure("bruteforce.name.other_name_login_ms", std::to_string(other_login.count()));
}

// ---- no user enumeration ------------------------------------------------------------------

struct Timing {
  std::vector<double> challenge_us;  // `auth ...` sent -> 300 line read
  std::vector<double> verdict_us;    // answer sent -> 400 line read
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// "< 1 ms or < 50%, whichever is looser": the medians may differ by max(1 ms, half the larger).
void expect_same_time(double unknown_us, double known_us, const char* what) {
  const double allowed = std::max(1000.0, 0.5 * std::max(unknown_us, known_us));
  EXPECT_LT(std::abs(unknown_us - known_us), allowed)
      << what << ": unknown " << unknown_us << " us, known " << known_us << " us";
}

// Each try on a fresh address and a fresh name, so that no throttle is ever involved.
TEST_F(BruteForce, UnknownAndKnownUsersGetTheSameRepliesInTheSameTime) {
  const int tries = ci_or_soak(200, 2000);
  {
    auto c = tsna2();
    std::string batch;
    for (int i = 0; i < tries; ++i) {
      batch += "register known" + std::to_string(i) + " " + std::string(kHash123456) + "\n";
    }
    c->send(batch);
    for (int i = 0; i < tries; ++i) {
      // Each registration costs a PBKDF2 derivation on the store thread: a generous wait.
      ASSERT_EQ(c->read_reply(std::chrono::seconds(60)),
                "200:Your Registered Username is known" + std::to_string(i) + "\n");
    }
  }
  Timing unknown;
  Timing known;
  const auto one_try = [&](const std::string& user, unsigned address, Timing& into) {
    PeerClient c(port(), loopback_address(20, address));
    c.upgrade();
    ScramSteps scram(user, kHash123);
    const std::string auth_line = scram.auth_line();
    const auto t0 = Clock::now();
    c.send(auth_line);
    const std::string challenge = c.read_line();
    const auto t1 = Clock::now();
    ASSERT_TRUE(is_challenge_line(challenge)) << user << ": " << challenge;
    const std::string answer = scram.answer_line(challenge);
    const auto t2 = Clock::now();
    c.send(answer);
    const std::string verdict = c.read_line();
    const auto t3 = Clock::now();
    ASSERT_EQ(verdict, "400:Authentication Failed!\n") << user;
    into.challenge_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    into.verdict_us.push_back(std::chrono::duration<double, std::micro>(t3 - t2).count());
  };
  std::mt19937 rng(7);
  for (int i = 0; i < tries; ++i) {
    const auto a = static_cast<unsigned>(2 * i);
    if (rng() % 2 == 0) {
      one_try("ghost" + std::to_string(i), a, unknown);
      one_try("known" + std::to_string(i), a + 1, known);
    } else {
      one_try("known" + std::to_string(i), a + 1, known);
      one_try("ghost" + std::to_string(i), a, unknown);
    }
    if (HasFatalFailure()) {
      return;
    }
  }
  const double uc = median(unknown.challenge_us);
  const double kc = median(known.challenge_us);
  const double uv = median(unknown.verdict_us);
  const double kv = median(known.verdict_us);
  expect_same_time(uc, kc, "login -> challenge");
  expect_same_time(uv, kv, "answer -> verdict");
  record_figure("enumeration.tries_each", std::to_string(tries));
  record_figure("enumeration.median_challenge_us.unknown", std::to_string(uc));
  record_figure("enumeration.median_challenge_us.known", std::to_string(kc));
  record_figure("enumeration.median_verdict_us.unknown", std::to_string(uv));
  record_figure("enumeration.median_verdict_us.known", std::to_string(kv));
}

}  // namespace
}  // namespace tsna::testing
