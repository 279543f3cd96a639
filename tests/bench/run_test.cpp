// run_test.cpp - tsna-bench against a real tsna-server on 127.0.0.1:0: short runs of each mode
// must count work and no errors; a refused classic login must show up as an error.
#include <gtest/gtest.h>

#include <string>

#include "bench/runner.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace tsna::bench {
namespace {

using tsna::testing::ServerProcess;
using tsna::testing::TempDir;

BenchOptions short_run(std::uint16_t port) {
  BenchOptions o;
  o.port = port;
  o.connections = 4;
  o.seconds = 0.3;
  o.warmup = 0.1;
  o.setup_timeout = 10;
  return o;
}

TEST(BenchRun, ClosedLoopAgainstTheServerCountsCommandsAndNoErrors) {
  TempDir dir;
  ServerProcess server(dir.path() / "data");
  BenchOptions o = short_run(server.port());
  o.server_pid = server.pid();
  o.idle = 8;
  const BenchResult r = run_bench(o);
  EXPECT_EQ(r.first_error, "");
  EXPECT_GT(r.commands, 0u);
  EXPECT_EQ(r.errors(), 0u);
  EXPECT_EQ(r.connections_ready, 4u);
  EXPECT_EQ(r.logins, 4u);
  EXPECT_EQ(r.idle_open, 8u);
  EXPECT_EQ(r.latency.count(), r.commands);
  EXPECT_TRUE(r.rss_before_idle.has_value());
  EXPECT_TRUE(r.rss_after_idle.has_value());
  EXPECT_TRUE(r.server_cpu_seconds.has_value());
  EXPECT_GT(r.measured_seconds, 0.25);
}

TEST(BenchRun, PipelinedMixOfCommandsCountsEveryReplyAndOnlyRealErrors) {
  TempDir dir;
  ServerProcess server(dir.path() / "data");
  BenchOptions o = short_run(server.port());
  o.depth = 8;
  o.threads = 2;
  o.commands = {"sum 1 2 3", "help", "divide 1 0"};  // divide 1 0 is a 400
  const BenchResult r = run_bench(o);
  EXPECT_GT(r.commands, 0u);
  EXPECT_EQ(r.connection_failures, 0u);
  // One request in three is a 400, so about a third of the replies are (give or take the
  // requests in flight when the window opened and closed).
  EXPECT_GT(r.replies_400, r.commands / 4);
  EXPECT_LT(r.replies_400, r.commands / 2);
}

TEST(BenchRun, BatchPatternSendsWholeBatchesAndCountsEveryReply) {
  TempDir dir;
  ServerProcess server(dir.path() / "data");
  BenchOptions o = short_run(server.port());
  o.depth = 16;
  o.pattern = Pattern::kBatch;
  const BenchResult r = run_bench(o);
  EXPECT_EQ(r.first_error, "");
  EXPECT_GT(r.commands, 0u);
  EXPECT_EQ(r.errors(), 0u);
  EXPECT_EQ(r.latency.count(), r.commands);
}

TEST(BenchRun, LoginRateModeCompletesLogins) {
  TempDir dir;
  ServerProcess server(dir.path() / "data");
  BenchOptions o = short_run(server.port());
  o.mode = Mode::kLogins;
  o.concurrency = 4;
  const BenchResult r = run_bench(o);
  EXPECT_EQ(r.first_error, "");
  EXPECT_GT(r.logins, 0u);
  EXPECT_EQ(r.errors(), 0u);
  EXPECT_EQ(r.latency.count(), r.logins);
}

TEST(BenchRun, ClassicDialectWorksWhenTheServerAllowsIt) {
  TempDir dir;
  ServerProcess server(dir.path() / "data", {"--allow-classic"});
  BenchOptions o = short_run(server.port());
  o.target = Target::kClassic;
  const BenchResult r = run_bench(o);
  EXPECT_EQ(r.first_error, "");
  EXPECT_GT(r.commands, 0u);
  EXPECT_EQ(r.errors(), 0u);
}

TEST(BenchRun, ClassicLoginRefusedByTheServerIsReportedAsAnError) {
  TempDir dir;
  ServerProcess server(dir.path() / "data");
  BenchOptions o = short_run(server.port());
  o.target = Target::kClassic;
  o.connections = 1;
  o.user_prefix = "refused";
  const BenchResult r = run_bench(o);
  EXPECT_EQ(r.commands, 0u);
  EXPECT_EQ(r.connections_ready, 0u);
  EXPECT_EQ(r.replies_400, 2u);  // the register, then the login
  EXPECT_EQ(r.first_error,
            "register refused-0: the server said '400:Classic login is disabled on this server; "
            "use a TSNA/2 client'");
}

TEST(BenchRun, NobodyListeningIsAConnectionFailure) {
  std::uint16_t port = 0;
  {
    TempDir dir;
    ServerProcess server(dir.path() / "data");
    port = server.port();
  }
  BenchOptions o = short_run(port);
  o.connections = 2;
  o.users = 1;
  const BenchResult r = run_bench(o);
  EXPECT_EQ(r.commands, 0u);
  EXPECT_EQ(r.connection_failures, 3u);  // one registration, two connections
  EXPECT_EQ(r.first_error, "connect: Connection refused");
}

}  // namespace
}  // namespace tsna::bench
