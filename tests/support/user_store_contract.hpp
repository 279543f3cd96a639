// user_store_contract.hpp - the contract every UserStore keeps (store/user_store.hpp), as one
// suite of value-parameterized tests that each implementation instantiates: exact byte-for-byte
// names, one winner per name, registration order, and (for durable stores) everything across a
// reopen, the decoy secret kept. Include it in exactly one .cpp of a test binary, then
// instantiate, e.g.
//   INSTANTIATE_TEST_SUITE_P(Sqlite, UserStoreContract, ::testing::Values(kSqliteBackend),
//                            backend_name);
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/user_store.hpp"
#include "support/test_verifiers.hpp"

namespace tsna::contract {

// One store under test, opened (and reopened) by the suite. Each test gets a fresh one.
class StoreUnderTest {
 public:
  virtual ~StoreUnderTest() = default;
  // Opens the store; for a durable backend a second call opens the same data again (the first
  // store having been destroyed), as a restarted server would.
  virtual std::unique_ptr<UserStore> open() = 0;
};

struct Backend {
  const char* name;
  std::function<std::unique_ptr<StoreUnderTest>()> make;
};

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param.name;
}

class UserStoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    under_test_ = GetParam().make();
    store_ = under_test_->open();
  }
  UserStore& store() { return *store_; }
  // Closes the store and opens it again (durable backends only).
  UserStore& reopen() {
    store_.reset();
    store_ = under_test_->open();
    return *store_;
  }

  std::unique_ptr<StoreUnderTest> under_test_;
  std::unique_ptr<UserStore> store_;
};

// Durable stores also keep what they acknowledged across a close and reopen.
class DurableUserStoreContract : public UserStoreContract {};

TEST_P(UserStoreContract, NewStoreIsEmpty) {
  EXPECT_EQ(store().find("bb"), std::nullopt);
  EXPECT_EQ(store().list(), std::vector<UserRecord>{});
}

TEST_P(UserStoreContract, AddedUserIsFoundWithItsHashAndNoPrefixOrExtensionOfTheName) {
  EXPECT_EQ(store().add("bb", kVerifierA), AddResult::kAdded);
  EXPECT_EQ(store().find("bb"), kVerifierA);
  EXPECT_EQ(store().find("b"), std::nullopt);
  EXPECT_EQ(store().find("bbb"), std::nullopt);
}

TEST_P(UserStoreContract, AddingATakenNameReturnsExistsAndKeepsTheFirstHash) {
  EXPECT_EQ(store().add("bb", kVerifierA), AddResult::kAdded);
  EXPECT_EQ(store().add("bb", kVerifierB), AddResult::kExists);
  EXPECT_EQ(store().find("bb"), kVerifierA);
  EXPECT_EQ(store().list(), (std::vector<UserRecord>{{"bb", kVerifierA}}));
  // A refused add leaves the store usable: the next one succeeds.
  EXPECT_EQ(store().add("bin", kVerifierC), AddResult::kAdded);
  EXPECT_EQ(store().list().size(), 2u);
}

TEST_P(UserStoreContract, NamesAreCaseSensitive) {
  EXPECT_EQ(store().add("Bob", kVerifierA), AddResult::kAdded);
  EXPECT_EQ(store().add("bob", kVerifierB), AddResult::kAdded);
  EXPECT_EQ(store().add("Bob", kVerifierC), AddResult::kExists);
  EXPECT_EQ(store().find("Bob"), kVerifierA);
  EXPECT_EQ(store().find("bob"), kVerifierB);
  EXPECT_EQ(store().find("BOB"), std::nullopt);
  EXPECT_EQ(store().change("BOB", kVerifierC), ChangeResult::kNoSuchUser);
}

TEST_P(UserStoreContract, Utf8NamesAreKeptByteForByteWithoutNormalisation) {
  const std::vector<UserRecord> users = {
      {"Zo\xc3\xab", kVerifierA},   // "Zoë" precomposed (NFC)
      {"Zoe\xcc\x88", kVerifierB},  // "Zoë" with a combining diaeresis (NFD)
      {"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", kVerifierC},  // 日本語
      {"\xf0\x9f\x98\x80", kVerifierA},                      // U+1F600
  };
  for (const auto& user : users) {
    EXPECT_EQ(store().add(user.name, user.verifier), AddResult::kAdded) << user.name;
  }
  EXPECT_EQ(store().find("Zoe"), std::nullopt);
  EXPECT_EQ(store().find("Zoe\xcc\x88"), kVerifierB);
  EXPECT_EQ(store().list(), users);
}

TEST_P(UserStoreContract, ChangeReplacesTheHashOfAKnownUserOnly) {
  store().add("bb", kVerifierA);
  EXPECT_EQ(store().change("bb", kVerifierB), ChangeResult::kChanged);
  EXPECT_EQ(store().find("bb"), kVerifierB);
  EXPECT_EQ(store().change("nobody", kVerifierA), ChangeResult::kNoSuchUser);
  EXPECT_EQ(store().find("nobody"), std::nullopt);
  EXPECT_EQ(store().list(), (std::vector<UserRecord>{{"bb", kVerifierB}}));
}

TEST_P(UserStoreContract, ListIsInRegistrationOrderAndChangeKeepsThePlace) {
  store().add("zed", kVerifierA);
  store().add("amy", kVerifierA);
  store().add("max", kVerifierC);
  store().change("zed", kVerifierB);
  const std::vector<UserRecord> expected = {
      {"zed", kVerifierB}, {"amy", kVerifierA}, {"max", kVerifierC}};
  EXPECT_EQ(store().list(), expected);
}

TEST_P(UserStoreContract, HundredThreadsAddingOneNameMakeExactlyOneAdded) {
  constexpr int kThreads = 100;
  std::latch start(kThreads);
  std::atomic<int> added{0};
  std::atomic<int> exists{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      (store().add("newbie", kVerifierA) == AddResult::kAdded ? added : exists)++;
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(added.load(), 1);
  EXPECT_EQ(exists.load(), kThreads - 1);
  EXPECT_EQ(store().list(), (std::vector<UserRecord>{{"newbie", kVerifierA}}));
}

TEST_P(UserStoreContract, EightThreadsAddingFiftyNamesEachAddAllOfThemInOrder) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::latch start(kThreads);
  std::atomic<int> added{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        const std::string name = "u" + std::to_string(t) + "_" + std::to_string(i);
        if (store().add(name, kVerifierA) == AddResult::kAdded) {
          ++added;
        }
        if (store().find(name) != kVerifierA) {
          ADD_FAILURE() << name << " not found after its add returned";
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(added.load(), kThreads * kPerThread);
  const std::vector<UserRecord> all = store().list();
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
  // Each thread's names appear in the order that thread added them.
  std::vector<int> next(kThreads, 0);
  for (const auto& user : all) {
    const int t = user.name[1] - '0';
    EXPECT_EQ(user.name, "u" + std::to_string(t) + "_" + std::to_string(next[t]++));
  }
}

TEST_P(UserStoreContract, DecoySecretIsStableAndNotBlank) {
  const DecoySecret secret = store().decoy_secret();
  EXPECT_EQ(store().decoy_secret(), secret);
  EXPECT_NE(secret, DecoySecret{});
}

TEST_P(DurableUserStoreContract, DecoySecretSurvivesAReopen) {
  const DecoySecret secret = store().decoy_secret();
  EXPECT_EQ(reopen().decoy_secret(), secret);
}

TEST_P(DurableUserStoreContract, AcknowledgedAddsAndChangesSurviveAReopenInOrder) {
  store().add("zed", kVerifierA);
  store().add("Zoe\xcc\x88", kVerifierB);
  store().add("amy", kVerifierA);
  store().change("zed", kVerifierC);
  EXPECT_EQ(store().add("amy", kVerifierB), AddResult::kExists);
  const std::vector<UserRecord> expected = {
      {"zed", kVerifierC}, {"Zoe\xcc\x88", kVerifierB}, {"amy", kVerifierA}};
  EXPECT_EQ(reopen().list(), expected);
  EXPECT_EQ(store().find("zed"), kVerifierC);
  EXPECT_EQ(store().add("amy", kVerifierC), AddResult::kExists);
}

TEST_P(DurableUserStoreContract, TheOneWinnerOfARaceIsTheOneStored) {
  constexpr int kThreads = 20;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  std::vector<auth::ScramVerifier> verifiers = {kVerifierA, kVerifierB};
  std::atomic<int> winner{-1};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      if (store().add("newbie", verifiers[i % 2]) == AddResult::kAdded) {
        winner = i % 2;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  ASSERT_NE(winner.load(), -1);
  EXPECT_EQ(reopen().list(), (std::vector<UserRecord>{{"newbie", verifiers[winner.load()]}}));
}

}  // namespace tsna::contract
