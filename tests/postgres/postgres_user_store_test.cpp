// postgres_user_store_test.cpp - PostgresUserStore against a real PostgreSQL: the UserStore
// contract suite (support/user_store_contract.hpp), and what the shared store adds: one schema
// and one decoy secret for every node, a newer schema refused, and faults (the database stopped
// and started again) reported as StoreUnavailable and healed without a reopen.
#include "store/postgres_user_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "pg_fixture.hpp"
#include "store/store_error.hpp"
#include "support/test_client.hpp"
#include "support/user_store_contract.hpp"

namespace tsna::contract {
namespace {

using namespace std::chrono_literals;
using testing::pg;

std::unique_ptr<PostgresUserStore> open_store(const std::string& uri) {
  return PostgresUserStore::open(std::make_shared<PostgresPool>(uri));
}

class PostgresUnderTest final : public StoreUnderTest {
 public:
  std::unique_ptr<UserStore> open() override { return open_store(uri_); }

 private:
  std::string uri_ = pg().create_database();
};

const Backend kPostgres{"Postgres", [] { return std::make_unique<PostgresUnderTest>(); }};

INSTANTIATE_TEST_SUITE_P(Stores, UserStoreContract, ::testing::Values(kPostgres), backend_name);
INSTANTIATE_TEST_SUITE_P(Stores, DurableUserStoreContract, ::testing::Values(kPostgres),
                         backend_name);

TEST(PostgresUserStore, TwoNodesOnOneDatabaseShareUsersAndTheDecoySecret) {
  const std::string uri = pg().create_database();
  auto a = open_store(uri);
  auto b = open_store(uri);
  EXPECT_EQ(a->decoy_secret(), b->decoy_secret());
  EXPECT_EQ(a->add("bb", kVerifierA), AddResult::kAdded);
  EXPECT_EQ(b->find("bb"), kVerifierA);
  EXPECT_EQ(b->add("bb", kVerifierB), AddResult::kExists);
  EXPECT_EQ(b->change("bb", kVerifierC), ChangeResult::kChanged);
  EXPECT_EQ(a->find("bb"), kVerifierC);
}

TEST(PostgresUserStore, TenNodesStartingAtOnceMakeOneSchemaAndOneDecoySecret) {
  const std::string uri = pg().create_database();
  std::vector<std::unique_ptr<PostgresUserStore>> stores(10);
  std::vector<std::thread> threads;
  for (auto& s : stores) {
    threads.emplace_back([&s, &uri] { s = open_store(uri); });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (const auto& s : stores) {
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->decoy_secret(), stores[0]->decoy_secret());
  }
  EXPECT_EQ(pg().psql("SELECT count(*) FROM tsna_schema", uri.substr(uri.rfind('/') + 1)), "1\n");
}

TEST(PostgresUserStore, ADatabaseWithANewerSchemaIsRefusedByName) {
  const std::string uri = pg().create_database();
  open_store(uri);
  pg().psql("UPDATE tsna_schema SET version = 2", uri.substr(uri.rfind('/') + 1));
  try {
    open_store(uri);
    FAIL() << "opened a database of schema version 2";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "the PostgreSQL store has schema version 2, newer than this tsna-server's (1): "
              "upgrade tsna-server");
  }
}

TEST(PostgresUserStore, NamesAreStoredAsBytesWhateverTheDatabaseEncoding) {
  const std::string uri = pg().create_database();
  auto s = open_store(uri);
  EXPECT_EQ(s->add("\xc3\xa9l\xc3\xa8ve", kVerifierA), AddResult::kAdded);
  EXPECT_EQ(pg().psql("SELECT encode(name, 'hex') FROM tsna_users", uri.substr(uri.rfind('/') + 1)),
            "c3a96cc3a87665\n");
}

TEST(PostgresUserStore, TheDatabaseStoppedIsUnavailableAndUnhealthyThenHealsWithoutAReopen) {
  const std::string uri = pg().create_database();
  auto s = open_store(uri);
  ASSERT_EQ(s->add("bb", kVerifierA), AddResult::kAdded);
  EXPECT_TRUE(s->healthy());
  pg().stop();
  EXPECT_THROW(s->find("bb"), StoreUnavailable);
  EXPECT_THROW(s->add("cc", kVerifierA), StoreUnavailable);
  EXPECT_FALSE(s->healthy());
  pg().start();
  // The pool reconnects in the background (backoff at most 1 s): bounded wait for health.
  for (int i = 0; i < 50 && !s->healthy(); ++i) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(s->healthy());
  EXPECT_EQ(s->find("bb"), kVerifierA);
  EXPECT_EQ(s->add("cc", kVerifierB), AddResult::kAdded);
}

TEST(PostgresUserStore, AnUnreachableDatabaseAtOpenIsRefusedWithLibpqsReason) {
  const std::string uri =
      "postgresql://tsna@127.0.0.1:" + std::to_string(testing::unused_port()) + "/nothing";
  EXPECT_THROW(open_store(uri), StoreUnavailable);
}

}  // namespace
}  // namespace tsna::contract
