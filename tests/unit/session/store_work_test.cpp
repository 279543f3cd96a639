// store_work_test.cpp - how store requests are carried out: the throttle answers a login
// before the store is asked or any PBKDF2 runs; "same password" is found by derivation; a
// name already taken costs no derivation; counts reach the throttle; a store exception is a
// kFailed result with its message.
#include "session/store_work.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "auth/login_throttle.hpp"
#include "support/fixed_random.hpp"
#include "support/manual_clock.hpp"
#include "support/memory_user_store.hpp"

namespace tsna {
namespace {

constexpr std::string_view kHash = "910f4aff69c6c642b3756489bb81a945";   // ntlm_hash("123456")
constexpr std::string_view kHash2 = "b3358c3dc3c4b063dd668b7f6620c3d2";  // ntlm_hash("123")

// A store that must not be touched: every call fails the test.
class UntouchableStore final : public UserStore {
 public:
  std::optional<auth::ScramVerifier> find(std::string_view name) const override {
    ADD_FAILURE() << "find(" << name << ")";
    return std::nullopt;
  }
  bool find_never_blocks() const override { return true; }
  AddResult add(std::string_view, const auth::ScramVerifier&) override {
    ADD_FAILURE() << "add";
    return AddResult::kExists;
  }
  ChangeResult change(std::string_view, const auth::ScramVerifier&) override {
    ADD_FAILURE() << "change";
    return ChangeResult::kNoSuchUser;
  }
  std::vector<UserRecord> list() const override { return {}; }
  DecoySecret decoy_secret() const override { return {}; }
};

// A store whose writes fail as a full disk would.
class FailingStore final : public UserStore {
 public:
  std::optional<auth::ScramVerifier> find(std::string_view) const override { return std::nullopt; }
  bool find_never_blocks() const override { return true; }
  AddResult add(std::string_view, const auth::ScramVerifier&) override {
    throw std::runtime_error("users.db: disk I/O error");
  }
  ChangeResult change(std::string_view, const auth::ScramVerifier&) override {
    throw std::runtime_error("users.db: disk I/O error");
  }
  std::vector<UserRecord> list() const override { return {}; }
  DecoySecret decoy_secret() const override { return {}; }
};

class StoreWork : public ::testing::Test {
 protected:
  StoreResult run(StoreRequest::Kind kind, std::string_view name, std::string_view hash = {},
                  UserStore* users = nullptr) {
    const StoreWorkContext ctx{users != nullptr ? users : &users_, &throttle_, &random_, 4096};
    return carry_out(StoreRequest{kind, std::string(name), std::string(hash), "127.0.0.9"}, ctx,
                     error_);
  }

  Limits limits_;
  ManualClock clock_;
  auth::LoginThrottle throttle_{limits_, clock_};
  FixedRandom random_{{1, 2, 3}};
  MemoryUserStore users_;
  std::string error_;
};

TEST_F(StoreWork, ThrottledLoginIsRefusedBeforeTheStoreIsAskedOrAnythingDerived) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(run(StoreRequest::Kind::kRecordFailure, "bob").outcome, StoreOutcome::kDone);
  }
  UntouchableStore untouchable;
  for (const auto kind : {StoreRequest::Kind::kFind, StoreRequest::Kind::kCheckPassword}) {
    const StoreResult r = run(kind, "bob", kHash, &untouchable);
    EXPECT_EQ(r.outcome, StoreOutcome::kThrottled);
    EXPECT_EQ(r.wait, std::chrono::seconds(1));
  }
  // Success forgets the counts.
  EXPECT_EQ(run(StoreRequest::Kind::kRecordSuccess, "bob").outcome, StoreOutcome::kDone);
  EXPECT_EQ(throttle_.blocked("127.0.0.9", "bob"), std::nullopt);
}

TEST_F(StoreWork, RegisterDerivesAVerifierAndATakenNameCostsNoDerivation) {
  EXPECT_EQ(run(StoreRequest::Kind::kAdd, "bob", kHash).outcome, StoreOutcome::kDone);
  ASSERT_TRUE(users_.find("bob").has_value());
  EXPECT_TRUE(auth::password_matches(*users_.find("bob"), kHash));
  EXPECT_EQ(users_.find("bob")->salt.size(), 16u);
  EXPECT_EQ(run(StoreRequest::Kind::kAdd, "bob", kHash2).outcome, StoreOutcome::kNameTaken);
  EXPECT_TRUE(auth::password_matches(*users_.find("bob"), kHash));
}

TEST_F(StoreWork, ClassicCheckAndChangeCompareByDerivation) {
  run(StoreRequest::Kind::kAdd, "bob", kHash);
  EXPECT_EQ(run(StoreRequest::Kind::kCheckPassword, "bob", kHash).outcome, StoreOutcome::kDone);
  EXPECT_EQ(run(StoreRequest::Kind::kCheckPassword, "bob", kHash2).outcome,
            StoreOutcome::kWrongPassword);
  EXPECT_EQ(run(StoreRequest::Kind::kCheckPassword, "eve", kHash).outcome,
            StoreOutcome::kNoSuchUser);
  EXPECT_EQ(run(StoreRequest::Kind::kChange, "bob", kHash).outcome, StoreOutcome::kSamePassword);
  EXPECT_EQ(run(StoreRequest::Kind::kChange, "bob", kHash2).outcome, StoreOutcome::kDone);
  EXPECT_TRUE(auth::password_matches(*users_.find("bob"), kHash2));
  EXPECT_EQ(run(StoreRequest::Kind::kChange, "eve", kHash2).outcome, StoreOutcome::kNoSuchUser);
}

TEST_F(StoreWork, FindGivesTheVerifierOrNoSuchUser) {
  run(StoreRequest::Kind::kAdd, "bob", kHash);
  const StoreResult found = run(StoreRequest::Kind::kFind, "bob");
  EXPECT_EQ(found.outcome, StoreOutcome::kDone);
  EXPECT_EQ(found.verifier, users_.find("bob"));
  EXPECT_EQ(run(StoreRequest::Kind::kFind, "nobody").outcome, StoreOutcome::kNoSuchUser);
}

TEST_F(StoreWork, StoreExceptionIsAFailedResultWithItsMessage) {
  FailingStore failing;
  EXPECT_EQ(run(StoreRequest::Kind::kAdd, "bob", kHash, &failing).outcome, StoreOutcome::kFailed);
  EXPECT_EQ(error_, "users.db: disk I/O error");
}

TEST_F(StoreWork, OnlyLookupsAndCountsInMemoryAreImmediate) {
  const StoreWorkContext ctx{&users_, &throttle_, &random_, 4096};
  const auto request = [](StoreRequest::Kind kind) { return StoreRequest{kind, "bob", "", "a"}; };
  EXPECT_TRUE(is_immediate(request(StoreRequest::Kind::kFind), ctx));
  EXPECT_TRUE(is_immediate(request(StoreRequest::Kind::kRecordFailure), ctx));
  EXPECT_TRUE(is_immediate(request(StoreRequest::Kind::kRecordSuccess), ctx));
  EXPECT_FALSE(is_immediate(request(StoreRequest::Kind::kCheckPassword), ctx));  // PBKDF2
  EXPECT_FALSE(is_immediate(request(StoreRequest::Kind::kAdd), ctx));
  EXPECT_FALSE(is_immediate(request(StoreRequest::Kind::kChange), ctx));
}

}  // namespace
}  // namespace tsna
