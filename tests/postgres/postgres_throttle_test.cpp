// postgres_throttle_test.cpp - PostgresThrottle against a real PostgreSQL: SPEC 4.4's schedule
// counted for the whole cluster (two throttles on one database stand for two nodes), per name
// and per address, cleared by a success, and bounded in rows.
#include "store/postgres_throttle.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "pg_fixture.hpp"
#include "store/postgres_user_store.hpp"

namespace tsna {
namespace {

using namespace std::chrono_literals;
using testing::pg;

class PostgresThrottleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uri_ = pg().create_database();
    pool_ = std::make_shared<PostgresPool>(uri_);
    PostgresUserStore::open(pool_);  // the schema
  }
  std::unique_ptr<PostgresThrottle> node(const Limits& limits = {}) {
    return std::make_unique<PostgresThrottle>(std::make_shared<PostgresPool>(uri_), limits);
  }

  std::string uri_;
  std::shared_ptr<PostgresPool> pool_;
};

TEST_F(PostgresThrottleTest, FiveFailuresSpreadOverTwoNodesLockTheNameOnBoth) {
  auto a = node();
  auto b = node();
  for (int i = 0; i < 4; ++i) {
    (i % 2 == 0 ? a : b)->record_failure("127.0.0." + std::to_string(i + 1), "bob");
  }
  EXPECT_EQ(a->blocked("127.0.0.9", "bob"), std::nullopt);
  b->record_failure("127.0.0.5", "bob");
  EXPECT_EQ(a->blocked("127.0.0.9", "bob"), 1s);
  EXPECT_EQ(b->blocked("127.0.0.8", "bob"), 1s);
  EXPECT_EQ(a->blocked("127.0.0.9", "alice"), std::nullopt);
}

TEST_F(PostgresThrottleTest, FiveFailuresFromOneAddressLockItForEveryName) {
  auto a = node();
  auto b = node();
  for (int i = 0; i < 5; ++i) {
    (i % 2 == 0 ? a : b)->record_failure("127.0.0.2", "user" + std::to_string(i));
  }
  EXPECT_EQ(b->blocked("127.0.0.2", "somebody"), 1s);
  EXPECT_EQ(a->blocked("127.0.0.3", "somebody"), std::nullopt);
}

TEST_F(PostgresThrottleTest, EachFurtherFailureDoublesTheLock) {
  auto a = node();
  for (int i = 0; i < 7; ++i) {
    a->record_failure("", "bob");
  }
  EXPECT_EQ(a->blocked("", "bob"), 4s);
}

TEST_F(PostgresThrottleTest, ASuccessOnAnotherNodeClearsTheNameAndTheAddress) {
  auto a = node();
  auto b = node();
  for (int i = 0; i < 5; ++i) {
    a->record_failure("127.0.0.2", "bob");
  }
  ASSERT_EQ(b->blocked("127.0.0.2", "bob"), 1s);
  b->record_success("127.0.0.2", "bob");
  EXPECT_EQ(a->blocked("127.0.0.2", "bob"), std::nullopt);
  EXPECT_EQ(a->size_for_test(), 0);
}

TEST_F(PostgresThrottleTest, CheckSaysWhetherTheAddressOrTheNameHasFailuresOnRecord) {
  auto a = node();
  auto b = node();
  EXPECT_EQ(b->check("127.0.0.2", "bob"), (auth::ThrottleCheck{std::nullopt, false}));
  a->record_failure("127.0.0.3", "bob");
  EXPECT_EQ(b->check("127.0.0.2", "bob"), (auth::ThrottleCheck{std::nullopt, true}));
  EXPECT_EQ(b->check("127.0.0.3", "carol"), (auth::ThrottleCheck{std::nullopt, true}));
  EXPECT_EQ(b->check("127.0.0.2", "carol"), (auth::ThrottleCheck{std::nullopt, false}));
  b->record_success("127.0.0.3", "bob");
  EXPECT_EQ(a->check("127.0.0.3", "bob"), (auth::ThrottleCheck{std::nullopt, false}));
}

TEST_F(PostgresThrottleTest, TheTableIsTrimmedToTwiceTheCapacity) {
  Limits limits;
  limits.throttle_table_capacity = 4;
  auto a = node(limits);
  for (int i = 0; i < 256; ++i) {
    a->record_failure("", "user" + std::to_string(i));
  }
  EXPECT_EQ(a->size_for_test(), 8);
  // The newest stay.
  for (int i = 0; i < 4; ++i) {
    a->record_failure("", "user255");
  }
  EXPECT_EQ(a->blocked("", "user255"), 1s);
}

TEST_F(PostgresThrottleTest, AnEmptyAddressAndNameAreNoKeys) {
  auto a = node();
  for (int i = 0; i < 6; ++i) {
    a->record_failure("", "");
  }
  EXPECT_EQ(a->blocked("", ""), std::nullopt);
  EXPECT_EQ(a->size_for_test(), 0);
}

}  // namespace
}  // namespace tsna
