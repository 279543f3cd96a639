// memory_user_store_test.cpp - the in-memory UserStore keeps the UserStore contract that the
// layers above rely on (exact names, one winner per name, registration order, write delay).
#include "store/memory_user_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <string>
#include <thread>
#include <vector>

namespace tsna {
namespace {

constexpr const char* kHashA = "b3358c3dc3c4b063dd668b7f6620c3d2";
constexpr const char* kHashB = "910f4aff69c6c642b3756489bb81a945";

TEST(MemoryUserStore, NewStoreIsEmpty) {
  MemoryUserStore store;
  EXPECT_EQ(store.find("bb"), std::nullopt);
  EXPECT_EQ(store.list(), std::vector<UserRecord>{});
}

TEST(MemoryUserStore, AddedUserIsFoundWithItsHash) {
  MemoryUserStore store;
  EXPECT_EQ(store.add("bb", kHashA), AddResult::kAdded);
  EXPECT_EQ(store.find("bb"), kHashA);
  EXPECT_EQ(store.find("b"), std::nullopt);
}

TEST(MemoryUserStore, AddingATakenNameReturnsExistsAndKeepsTheFirstHash) {
  MemoryUserStore store;
  EXPECT_EQ(store.add("bb", kHashA), AddResult::kAdded);
  EXPECT_EQ(store.add("bb", kHashB), AddResult::kExists);
  EXPECT_EQ(store.find("bb"), kHashA);
  EXPECT_EQ(store.list().size(), 1u);
}

TEST(MemoryUserStore, NamesAreCaseSensitive) {
  MemoryUserStore store;
  EXPECT_EQ(store.add("Bob", kHashA), AddResult::kAdded);
  EXPECT_EQ(store.add("bob", kHashB), AddResult::kAdded);
  EXPECT_EQ(store.find("Bob"), kHashA);
  EXPECT_EQ(store.find("bob"), kHashB);
  EXPECT_EQ(store.find("BOB"), std::nullopt);
}

TEST(MemoryUserStore, ChangeReplacesTheHashOfAKnownUserOnly) {
  MemoryUserStore store;
  store.add("bb", kHashA);
  EXPECT_EQ(store.change("bb", kHashB), ChangeResult::kChanged);
  EXPECT_EQ(store.find("bb"), kHashB);
  EXPECT_EQ(store.change("BB", kHashA), ChangeResult::kNoSuchUser);
  EXPECT_EQ(store.find("BB"), std::nullopt);
}

TEST(MemoryUserStore, ListIsInRegistrationOrderAndChangeKeepsThePlace) {
  MemoryUserStore store;
  store.add("zed", kHashA);
  store.add("amy", kHashA);
  store.add("max", kHashA);
  store.change("zed", kHashB);
  const std::vector<UserRecord> expected = {{"zed", kHashB}, {"amy", kHashA}, {"max", kHashA}};
  EXPECT_EQ(store.list(), expected);
}

TEST(MemoryUserStore, HundredThreadsAddingOneNameMakeExactlyOneAdded) {
  MemoryUserStore store;
  constexpr int kThreads = 100;
  std::latch start(kThreads);
  std::atomic<int> added{0};
  std::atomic<int> exists{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      (store.add("newbie", kHashA) == AddResult::kAdded ? added : exists)++;
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(added.load(), 1);
  EXPECT_EQ(exists.load(), kThreads - 1);
  EXPECT_EQ(store.list(), (std::vector<UserRecord>{{"newbie", kHashA}}));
}

TEST(MemoryUserStore, EightThreadsAddingFiftyNamesEachAddAllOfThem) {
  MemoryUserStore store;
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
        if (store.add(name, kHashA) == AddResult::kAdded) {
          ++added;
        }
        if (store.find(name) != kHashA) {
          ADD_FAILURE() << name << " not found after add";
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(added.load(), kThreads * kPerThread);
  EXPECT_EQ(store.list().size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(MemoryUserStore, WriteDelayIsSleptByAddAndChange) {
  constexpr auto kDelay = std::chrono::milliseconds(20);
  MemoryUserStore store(kDelay);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(store.add("bb", kHashA), AddResult::kAdded);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, kDelay);
  t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(store.change("bb", kHashB), ChangeResult::kChanged);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, kDelay);
  EXPECT_EQ(store.find("bb"), kHashB);
}

}  // namespace
}  // namespace tsna
