// report_test.cpp - the figures derived from a BenchResult and their JSON rendering.
#include "bench/report.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tsna::bench {
namespace {

BenchResult sample() {
  BenchResult r;
  r.options.port = 6016;
  r.users = 50;
  r.measured_seconds = 2.0;
  r.commands = 1000;
  r.logins = 50;
  r.login_seconds = 0.5;
  for (int i = 1; i <= 100; ++i) {
    r.latency.record(static_cast<std::uint64_t>(i) * 1000);
  }
  r.idle_open = 100;
  r.rss_before_idle = 1'000'000;
  r.rss_after_idle = 1'204'800;
  r.server_cpu_seconds = 0.5;
  r.client_cpu_seconds = 0.25;
  return r;
}

TEST(Report, RatesAndPerConnectionFiguresFollowFromTheCounts) {
  const BenchResult r = sample();
  EXPECT_DOUBLE_EQ(r.commands_per_second(), 500.0);
  EXPECT_DOUBLE_EQ(r.logins_per_second(), 100.0);
  EXPECT_DOUBLE_EQ(r.bytes_per_idle_connection().value(), 2048.0);
  EXPECT_DOUBLE_EQ(r.server_cpu_us_per_op().value(), 500.0);
  EXPECT_DOUBLE_EQ(r.client_cpu_us_per_op(), 250.0);
}

TEST(Report, JsonCarriesEveryFigureOnOneLine) {
  const std::string json = format_json(sample());
  EXPECT_EQ(json.find('\n'), json.size() - 1);
  EXPECT_NE(json.find("\"target\":\"tsna2\",\"mode\":\"commands\""), std::string::npos);
  EXPECT_NE(json.find("\"commands\":1000,\"commands_per_s\":500.0,"), std::string::npos);
  EXPECT_NE(json.find("\"logins\":50,\"logins_per_s\":100.0,"), std::string::npos);
  // 50 us and 99 us as their buckets' highest values (50.175, 99.327); p99.9 is the maximum.
  EXPECT_NE(json.find("\"latency_us\":{\"count\":100,\"p50\":50.2,\"p99\":99.3,\"p99_9\":100.0,"
                      "\"max\":100.0,\"mean\":50.5}"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"errors\":{\"replies_400\":0,\"connection_failures\":0,\"first\":null}"),
            std::string::npos);
  EXPECT_NE(json.find("\"bytes_per_idle_connection\":2048.0}"), std::string::npos);
  EXPECT_NE(json.find("\"commands_sent\":[\"sum 1 2 3\"]"), std::string::npos);
  EXPECT_NE(json.find("\"pattern\":\"window\","), std::string::npos);
}

TEST(Report, JsonAndTextNameTheBatchPattern) {
  BenchResult r = sample();
  r.options.pattern = Pattern::kBatch;
  EXPECT_NE(format_json(r).find("\"pattern\":\"batch\","), std::string::npos);
  EXPECT_NE(format_text(r).find("(batch)"), std::string::npos);
}

TEST(Report, JsonEscapesTheFirstError) {
  BenchResult r = sample();
  r.connection_failures = 1;
  r.first_error = "greeting: the server said '400:Too \"many\"\\n'";
  const std::string json = format_json(r);
  EXPECT_NE(json.find("\"first\":\"greeting: the server said '400:Too \\\"many\\\"\\\\n'\""),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace tsna::bench
