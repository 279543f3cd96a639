// loop_lookup_test.cpp - an event loop's own connection to a real PostgreSQL: PgPipeline (several
// statements in flight answered in order, a failing one failing alone, a terminated backend
// failing what was pending) and LoopLookup (a login's lookup answered on the loop's connection
// once it is open, by the store threads before that and after the connection breaks).
#include "server/loop_lookup.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <array>
#include <asio/io_context.hpp>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "auth/login_throttle.hpp"
#include "auth/openssl_random.hpp"
#include "auth/scram_verifier.hpp"
#include "common/clock.hpp"
#include "pg_fixture.hpp"
#include "server/plain_loop.hpp"
#include "server/store_executor.hpp"
#include "store/postgres_login_lookup.hpp"
#include "store/postgres_pipeline.hpp"
#include "store/postgres_throttle.hpp"
#include "store/postgres_user_store.hpp"

namespace tsna {
namespace {

using namespace std::chrono_literals;
using testing::pg;

// Ends every connection tsna's code opened (application_name tsna-server), as a crashed or
// restarted backend would; returns how many.
int terminate_tsna_backends() {
  return std::stoi(
      pg().psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'tsna-server'"));
}

class PgPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override { pipeline_ = pool_->open_pipeline(); }

  // Waits on the socket and lets the pipeline read, until `done` or 10 s.
  template <typename Pred>
  bool drive(Pred done) {
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (!done() && std::chrono::steady_clock::now() < until) {
      pollfd p{pipeline_->socket(),
               static_cast<short>(POLLIN | (pipeline_->wants_write() ? POLLOUT : 0)), 0};
      if (p.fd < 0) {
        break;
      }
      ::poll(&p, 1, 100);
      pipeline_->on_ready();
    }
    return done();
  }

  std::shared_ptr<PostgresPool> pool_ = std::make_shared<PostgresPool>(pg().create_database());
  std::unique_ptr<PgPipeline> pipeline_;
};

TEST_F(PgPipelineTest, StatementsSentTogetherAreAnsweredInTheOrderSent) {
  std::vector<std::string> answers;
  for (const char* p : {"a", "b", "c"}) {
    ASSERT_TRUE(pipeline_->send("SELECT $1::text || '!'", {std::string(p)}, [&](PgReply r) {
      ASSERT_EQ(r.status, PgReply::Status::kRows) << r.error;
      answers.push_back(r.rows.at(0).at(0).value_or("NULL"));
    }));
  }
  EXPECT_EQ(pipeline_->pending(), 3u);
  ASSERT_TRUE(drive([&] { return answers.size() == 3; }));
  EXPECT_EQ(answers, (std::vector<std::string>{"a!", "b!", "c!"}));
  EXPECT_EQ(pipeline_->pending(), 0u);
  EXPECT_FALSE(pipeline_->broken());
}

TEST_F(PgPipelineTest, AFailingStatementFailsAloneAndTheOneAfterItIsAnswered) {
  std::vector<PgReply> replies;
  for (const char* divisor : {"0", "4"}) {
    ASSERT_TRUE(pipeline_->send("SELECT 12 / $1::int", {std::string(divisor)},
                                [&](PgReply r) { replies.push_back(std::move(r)); }));
  }
  ASSERT_TRUE(drive([&] { return replies.size() == 2; }));
  EXPECT_EQ(replies[0].status, PgReply::Status::kFailed);
  EXPECT_NE(replies[0].error.find("division by zero"), std::string::npos) << replies[0].error;
  ASSERT_EQ(replies[1].status, PgReply::Status::kRows) << replies[1].error;
  EXPECT_EQ(replies[1].rows, (std::vector<PgRow>{{std::string("3")}}));
}

TEST_F(PgPipelineTest, ATerminatedBackendFailsWhatWasPendingAsBroken) {
  std::vector<PgReply> replies;
  ASSERT_TRUE(pipeline_->send("SELECT pg_sleep($1::float8)", {std::string("30")},
                              [&](PgReply r) { replies.push_back(std::move(r)); }));
  std::this_thread::sleep_for(100ms);  // the statement is running
  EXPECT_GE(terminate_tsna_backends(), 1);
  ASSERT_TRUE(drive([&] { return replies.size() == 1; }));
  EXPECT_EQ(replies[0].status, PgReply::Status::kBroken);
  EXPECT_TRUE(pipeline_->broken());
  EXPECT_FALSE(pipeline_->send("SELECT 1", {std::string("unused")}, [](PgReply) {}));
}

// A LoginLookup that counts the lookups the store threads make.
class CountingLookup final : public LoginLookup {
 public:
  explicit CountingLookup(LoginLookup& real) : real_(real) {}
  LoginLookupResult lookup(std::string_view address, std::string_view name) override {
    ++calls;
    return real_.lookup(address, name);
  }
  bool never_blocks() const override { return false; }
  std::atomic<int> calls{0};

 private:
  LoginLookup& real_;
};

class LoopLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::array<std::uint8_t, 16> salt{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    carol_ = auth::derive_verifier("910f4aff69c6c642b3756489bb81a945", salt, 4096);
    ASSERT_EQ(store_->add("carol", carol_), AddResult::kAdded);
    plain_.start();
  }
  void TearDown() override {
    lookup_.reset();
    plain_.stop();
    executor_.join();
  }

  // Runs a kFind for `name` through the LoopLookup and the loop until its result comes.
  StoreResult find(const std::string& name) {
    std::optional<StoreResult> got;
    lookup_->run(StoreRequest{StoreRequest::Kind::kFind, name, {}, "127.0.0.7"},
                 [&](StoreResult r) { got = std::move(r); });
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (!got && std::chrono::steady_clock::now() < until) {
      io_.run_for(10ms);
    }
    EXPECT_TRUE(got.has_value());
    return got.value_or(StoreResult{});
  }
  // Lets the loop run, so that a connection being opened is adopted.
  void settle(std::chrono::milliseconds d) {
    const auto until = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < until) {
      io_.run_for(10ms);
    }
  }

  std::shared_ptr<PostgresPool> pool_ = std::make_shared<PostgresPool>(pg().create_database());
  std::unique_ptr<PostgresUserStore> store_ = PostgresUserStore::open(pool_);
  auth::ScramVerifier carol_;
  SystemClock clock_;
  auth::LoginThrottle unused_throttle_{Limits{}, clock_};
  auth::OpenSslRandom random_;
  PostgresLoginLookup real_{pool_};
  CountingLookup counting_{real_};
  asio::io_context io_{1};
  PlainLoop plain_{io_};
  StoreExecutor executor_{
      StoreWorkContext{store_.get(), &unused_throttle_, &random_, 4096, &counting_}, 1, 16};
  std::unique_ptr<LoopLookup> lookup_ = std::make_unique<LoopLookup>(io_, plain_, pool_, executor_);
};

TEST_F(LoopLookupTest, AFindIsAnsweredOnTheLoopsConnectionOnceItIsOpenAndByTheStoreThreadsBefore) {
  StoreResult first = find("carol");  // opens the loop's connection; the store threads answer
  EXPECT_EQ(counting_.calls, 1);
  EXPECT_EQ(first.outcome, StoreOutcome::kDone);
  settle(500ms);

  StoreResult again = find("carol");
  EXPECT_EQ(counting_.calls, 1) << "the second lookup went to the store threads";
  ASSERT_EQ(again.outcome, StoreOutcome::kDone);
  ASSERT_TRUE(again.verifier.has_value());
  EXPECT_EQ(auth::format_verifier(*again.verifier), auth::format_verifier(carol_));
  EXPECT_FALSE(again.counted);

  EXPECT_EQ(find("nobody").outcome, StoreOutcome::kNoSuchUser);

  PostgresThrottle throttle(pool_, Limits{});
  throttle.record_failure("127.0.0.9", "carol");
  StoreResult counted = find("carol");
  EXPECT_EQ(counted.outcome, StoreOutcome::kDone);
  EXPECT_TRUE(counted.counted);
  for (int i = 0; i < 4; ++i) {
    throttle.record_failure("127.0.0.9", "carol");
  }
  StoreResult locked = find("carol");
  EXPECT_EQ(locked.outcome, StoreOutcome::kThrottled);
  EXPECT_EQ(locked.wait, 1s);
  EXPECT_FALSE(locked.verifier.has_value());
  EXPECT_EQ(counting_.calls, 1);
}

TEST_F(LoopLookupTest, WhenItsConnectionBreaksTheStoreThreadsAnswerAndItIsOpenedAgain) {
  find("carol");
  settle(500ms);
  ASSERT_EQ(find("carol").outcome, StoreOutcome::kDone);
  ASSERT_EQ(counting_.calls, 1);

  EXPECT_GE(terminate_tsna_backends(), 1);
  StoreResult during = find("carol");  // the broken connection's lookup is asked again
  EXPECT_EQ(during.outcome, StoreOutcome::kDone);
  EXPECT_EQ(counting_.calls, 2);

  settle(1500ms);  // past the reopen interval
  find("carol");   // asks for a new connection
  settle(500ms);
  const int before = counting_.calls;
  StoreResult after = find("carol");
  EXPECT_EQ(after.outcome, StoreOutcome::kDone);
  EXPECT_EQ(counting_.calls, before) << "the loop's connection was not opened again";
}

}  // namespace
}  // namespace tsna
