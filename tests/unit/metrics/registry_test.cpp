// registry_test.cpp - the counters' shards and the Prometheus text they are written as
// (src/metrics). No sockets; the exact lines are written out here.
#include "metrics/registry.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "metrics/exposition.hpp"

namespace tsna::metrics {
namespace {

std::string render_of(const Registry& registry, std::optional<std::uint64_t> written = {},
                      std::optional<std::uint64_t> dropped = {}) {
  Scrape s;
  s.totals = registry.totals();
  s.command_labels = &registry.command_labels();
  s.audit_written = written;
  s.audit_dropped = dropped;
  s.version = "9.8.7";
  return render(s);
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(MetricsRegistry, SumsTheShardsOfEveryThreadThatCounted) {
  Registry registry({"sum", "other"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&registry] {
      Shard& shard = registry.local();
      for (int i = 0; i < 1000; ++i) {
        shard.count_command(0, 200);
      }
      EXPECT_EQ(&registry.local(), &shard);  // one shard per thread
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  registry.local().count_command(1, 400);
  const Totals t = registry.totals();
  EXPECT_EQ(t.commands[0][static_cast<std::size_t>(ReplyCode::k200)], 3000U);
  EXPECT_EQ(t.commands[1][static_cast<std::size_t>(ReplyCode::k400)], 1U);
}

TEST(MetricsRegistry, KeepsTwoRegistriesOfOneThreadApart) {
  Registry a({"sum"});
  Registry b({"sum"});
  a.local().count_command(0, 200);
  b.local().count_command(0, 200);
  a.local().count_command(0, 200);
  EXPECT_EQ(a.totals().commands[0][0], 2U);
  EXPECT_EQ(b.totals().commands[0][0], 1U);
}

TEST(MetricsRegistry, RefusesMoreCommandLabelsThanItHasRoomFor) {
  EXPECT_THROW(Registry(std::vector<std::string>(kMaxCommandLabels + 1, "x")), std::length_error);
  EXPECT_THROW(Registry(std::vector<std::string>{}), std::length_error);
}

TEST(MetricsExposition, WritesTheBuildInfoAndEveryFixedSeriesFromTheStart) {
  Registry registry({"sum", "other"});
  const std::string text = render_of(registry, 0, 0);
  EXPECT_TRUE(text.starts_with("# HELP tsna_build_info "));
  EXPECT_TRUE(has_line(text, "# TYPE tsna_build_info gauge"));
  EXPECT_TRUE(has_line(text, "tsna_build_info{version=\"9.8.7\"} 1"));
  EXPECT_TRUE(has_line(text, "# TYPE tsna_connections_open gauge"));
  EXPECT_TRUE(has_line(text, "tsna_connections_open{port=\"plain\"} 0"));
  EXPECT_TRUE(has_line(text, "tsna_connections_open{port=\"tls\"} 0"));
  EXPECT_TRUE(has_line(text, "# TYPE tsna_connections_accepted_total counter"));
  EXPECT_TRUE(has_line(text, "tsna_logins_total{dialect=\"tsna2\",outcome=\"throttled\"} 0"));
  EXPECT_TRUE(has_line(text, "tsna_audit_records_written_total 0"));
  EXPECT_TRUE(has_line(text, "tsna_audit_records_dropped_total 0"));
  EXPECT_TRUE(has_line(text, "# TYPE tsna_commands_total counter"));
  EXPECT_EQ(text.find("tsna_commands_total{"), std::string::npos);  // none counted yet
  EXPECT_TRUE(text.ends_with("\n"));
}

TEST(MetricsExposition, WritesCommandsByLabelAndCode) {
  Registry registry({"sum", "other"});
  Shard& shard = registry.local();
  shard.count_command(0, 200);
  shard.count_command(0, 200);
  shard.count_command(0, 400);
  shard.count_command(1, 0);
  const std::string text = render_of(registry);
  EXPECT_TRUE(has_line(text, "tsna_commands_total{command=\"sum\",code=\"200\"} 2"));
  EXPECT_TRUE(has_line(text, "tsna_commands_total{command=\"sum\",code=\"400\"} 1"));
  EXPECT_TRUE(has_line(text, "tsna_commands_total{command=\"other\",code=\"none\"} 1"));
  EXPECT_EQ(text.find("tsna_audit_records"), std::string::npos);  // no audit log of its own
}

TEST(MetricsExposition, OpenConnectionsAreTheAcceptedLessTheClosed) {
  Registry registry({"other"});
  Shard& shard = registry.local();
  shard.connections_accepted[0].add(5);
  shard.connections_closed[0].add(2);
  shard.connections_rejected[1].add();
  const std::string text = render_of(registry);
  EXPECT_TRUE(has_line(text, "tsna_connections_open{port=\"plain\"} 3"));
  EXPECT_TRUE(has_line(text, "tsna_connections_accepted_total{port=\"plain\"} 5"));
  EXPECT_TRUE(has_line(text, "tsna_connections_rejected_total{port=\"tls\"} 1"));
}

TEST(MetricsExposition, WritesTheStoreLatencyAsACumulativeHistogram) {
  Registry registry({"other"});
  Shard& shard = registry.local();
  shard.count_store(2, 0);
  shard.observe_store_latency(2, 800'000);         // 0.8 ms: le 0.001
  shard.observe_store_latency(2, 3'000'000);       // 3 ms: le 0.005
  shard.observe_store_latency(2, 20'000'000'000);  // 20 s: only +Inf
  const std::string text = render_of(registry);
  EXPECT_TRUE(has_line(text, "tsna_store_operations_total{operation=\"add\",outcome=\"done\"} 1"));
  EXPECT_TRUE(has_line(text, "# TYPE tsna_store_operation_duration_seconds histogram"));
  EXPECT_TRUE(has_line(
      text, "tsna_store_operation_duration_seconds_bucket{operation=\"add\",le=\"0.0005\"} 0"));
  EXPECT_TRUE(has_line(
      text, "tsna_store_operation_duration_seconds_bucket{operation=\"add\",le=\"0.001\"} 1"));
  EXPECT_TRUE(has_line(
      text, "tsna_store_operation_duration_seconds_bucket{operation=\"add\",le=\"0.005\"} 2"));
  EXPECT_TRUE(has_line(
      text, "tsna_store_operation_duration_seconds_bucket{operation=\"add\",le=\"10\"} 2"));
  EXPECT_TRUE(has_line(
      text, "tsna_store_operation_duration_seconds_bucket{operation=\"add\",le=\"+Inf\"} 3"));
  EXPECT_TRUE(
      has_line(text, "tsna_store_operation_duration_seconds_sum{operation=\"add\"} 20.0038"));
  EXPECT_TRUE(has_line(text, "tsna_store_operation_duration_seconds_count{operation=\"add\"} 3"));
  EXPECT_EQ(text.find("operation=\"find\""), std::string::npos);
}

TEST(MetricsExposition, EscapesQuotesBackslashesAndLineFeedsInLabelValues) {
  Registry registry({"a\"b\\c\nd"});
  registry.local().count_command(0, 200);
  EXPECT_TRUE(has_line(render_of(registry),
                       "tsna_commands_total{command=\"a\\\"b\\\\c\\nd\",code=\"200\"} 1"));
}

}  // namespace
}  // namespace tsna::metrics
