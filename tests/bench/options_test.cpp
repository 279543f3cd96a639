// options_test.cpp - tsna-bench's argument validation: the hard caps on connections and time,
// and the combinations that cannot work.
#include "bench/options.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tsna::bench {
namespace {

std::string problem(const BenchOptions& o) {
  return validate(o).value_or("ok");
}

TEST(Options, DefaultsAreValid) {
  const BenchOptions o;
  EXPECT_EQ(problem(o), "ok");
  EXPECT_EQ(o.connections, 50u);
  EXPECT_EQ(o.concurrency, 16u);
  EXPECT_EQ(o.depth, 1u);
  EXPECT_EQ(o.threads, 1u);
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(effective_commands(o), std::vector<std::string>{"sum 1 2 3"});
  EXPECT_EQ(effective_users(o), 50u);
}

TEST(Options, MoreThanTwentyThousandConnectionsInAllAreRefused) {
  BenchOptions o;
  o.connections = 10000;
  o.idle = 10000;
  EXPECT_EQ(problem(o), "ok");
  o.idle = 10001;
  EXPECT_EQ(problem(o), "at most 20000 connections in all (active plus --idle)");
  o.connections = 0;
  o.idle = 20001;
  EXPECT_EQ(problem(o), "at most 20000 connections in all (active plus --idle)");
}

TEST(Options, RunsLongerThanSixHundredSecondsAreRefused) {
  BenchOptions o;
  o.seconds = 599;
  o.warmup = 1;
  EXPECT_EQ(problem(o), "ok");
  o.warmup = 1.5;
  EXPECT_EQ(problem(o), "--seconds plus --warmup must be at most 600");
  o.seconds = 0;
  o.warmup = 0;
  EXPECT_EQ(problem(o), "--seconds must be more than 0");
  o.seconds = 1;
  o.warmup = -1;
  EXPECT_EQ(problem(o), "--warmup must not be negative");
}

TEST(Options, ClassicCannotPipeline) {
  BenchOptions o;
  o.target = Target::kClassic;
  o.depth = 2;
  EXPECT_EQ(problem(o),
            "--classic cannot pipeline: classic replies have no terminator (--depth 1 only)");
}

TEST(Options, RedisTakesNoCommandAndNoLoginMode) {
  BenchOptions o;
  o.target = Target::kRedis;
  EXPECT_EQ(problem(o), "ok");
  EXPECT_EQ(effective_users(o), 0u);
  o.commands = {"sum 1 2"};
  EXPECT_EQ(problem(o), "--command cannot be used with --redis (it always sends PING)");
  o.commands.clear();
  o.mode = Mode::kLogins;
  EXPECT_EQ(problem(o), "--logins cannot be used with --redis (Redis has no login here)");
}

TEST(Options, CommandsMustBeSingleNonBlankLines) {
  BenchOptions o;
  o.commands = {"sum 1 2", "multiply 2 3"};
  EXPECT_EQ(problem(o), "ok");
  o.commands = {"sum 1 2", "  "};
  EXPECT_EQ(problem(o), "--command must not be blank");
  o.commands = {"sum 1 2\nexit"};
  EXPECT_EQ(problem(o), "--command must be one line (no CR, LF or NUL)");
  o.commands = {std::string(4097, 'x')};
  EXPECT_EQ(problem(o), "--command must be at most 4096 bytes");
}

TEST(Options, DepthAndThreadsAreBounded) {
  BenchOptions o;
  o.depth = 0;
  EXPECT_EQ(problem(o), "--depth must be 1-4096");
  o.depth = 4097;
  EXPECT_EQ(problem(o), "--depth must be 1-4096");
  o.depth = 4096;
  o.commands = {std::string(100, 'x')};
  EXPECT_EQ(problem(o), "--depth times the longest --command must be at most 256 KiB");
  o.depth = 16;
  o.threads = 0;
  EXPECT_EQ(problem(o), "--threads must be 1-64");
  o.threads = 65;
  EXPECT_EQ(problem(o), "--threads must be 1-64");
}

TEST(Options, NothingToRunIsRefused) {
  BenchOptions o;
  o.connections = 0;
  EXPECT_EQ(problem(o), "--connections must be at least 1 (or --idle must be given)");
  o.idle = 10;
  EXPECT_EQ(problem(o), "ok");
  o.mode = Mode::kLogins;
  o.concurrency = 0;
  EXPECT_EQ(problem(o), "--concurrency must be at least 1");
}

TEST(Options, PortZeroAndBadUserPrefixAreRefused) {
  BenchOptions o;
  o.port = 0;
  EXPECT_EQ(problem(o), "--port must be 1-65535");
  o.port = 6016;
  o.user_prefix = "has space";
  EXPECT_EQ(problem(o), "--user-prefix must be at most 48 bytes with no whitespace or ':'");
}

TEST(Options, UsersDefaultToAtMostOneHundredAndLoginWorkersHaveOneEach) {
  BenchOptions o;
  o.connections = 5000;
  EXPECT_EQ(effective_users(o), 100u);
  o.users = 7;
  EXPECT_EQ(effective_users(o), 7u);
  o.mode = Mode::kLogins;
  o.concurrency = 16;
  EXPECT_EQ(effective_users(o), 16u);
}

}  // namespace
}  // namespace tsna::bench
