// user_store_contract_test.cpp - the UserStore contract suite (support/user_store_contract.hpp)
// run against the SQLite store and the in-memory test double; the PostgreSQL store runs it in
// its own test binary, against a real server.
#include "support/user_store_contract.hpp"

#include <chrono>

#include "store/sqlite_user_store.hpp"
#include "support/memory_user_store.hpp"
#include "support/temp_dir.hpp"

namespace tsna::contract {
namespace {

class SqliteUnderTest final : public StoreUnderTest {
 public:
  std::unique_ptr<UserStore> open() override { return SqliteUserStore::open(dir_.path()); }

 private:
  testing::TempDir dir_;
};

class MemoryUnderTest final : public StoreUnderTest {
 public:
  std::unique_ptr<UserStore> open() override { return std::make_unique<MemoryUserStore>(); }
};

const Backend kSqlite{"Sqlite", [] { return std::make_unique<SqliteUnderTest>(); }};
const Backend kMemory{"Memory", [] { return std::make_unique<MemoryUnderTest>(); }};

INSTANTIATE_TEST_SUITE_P(Stores, UserStoreContract, ::testing::Values(kSqlite, kMemory),
                         backend_name);
INSTANTIATE_TEST_SUITE_P(Stores, DurableUserStoreContract, ::testing::Values(kSqlite),
                         backend_name);

// Not part of the contract: the double's simulated slow disk, which server tests rely on.
TEST(MemoryUserStore, WriteDelayIsSleptByAddAndChange) {
  constexpr auto kDelay = std::chrono::milliseconds(20);
  MemoryUserStore store(kDelay);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(store.add("bb", kVerifierA), AddResult::kAdded);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, kDelay);
  t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(store.change("bb", kVerifierB), ChangeResult::kChanged);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, kDelay);
  EXPECT_EQ(store.find("bb"), kVerifierB);
}

}  // namespace
}  // namespace tsna::contract
