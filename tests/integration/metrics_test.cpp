// metrics_test.cpp - --metrics over real sockets: GET /metrics passes promtool's check, the
// counters hold exact values after a known session, GET /health answers for a load balancer,
// other requests get 404/405/400/431, and none of it hurts the TSNA service.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "fixture.hpp"
#include "support/http_client.hpp"

namespace tsna::testing {
namespace {

using namespace std::chrono_literals;

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

class Metrics : public ServerTest {
 protected:
  void start_with_metrics() { start({"--metrics", "127.0.0.1:0"}); }
  std::uint16_t metrics_port() const { return server_->metrics_port(); }
  std::string scrape() { return http_get(metrics_port(), "/metrics").body; }

  // Scrapes until `line` is there (records reach the audit file within a second; a closed
  // connection is counted just after its socket closes), at most 50 times 100 ms.
  std::string scrape_until(const std::string& line) {
    std::string text;
    for (int i = 0; i < 50; ++i) {
      text = scrape();
      if (has_line(text, line)) {
        break;
      }
      std::this_thread::sleep_for(100ms);
    }
    return text;
  }
};

TEST_F(Metrics, ScrapeAfterASessionPassesPromtoolsCheck) {
  start_with_metrics();
  ASSERT_NE(metrics_port(), 0);
  {
    auto c = tsna2();
    ASSERT_EQ(c->tsna2_register("alice", kHash123456), "200:Your Registered Username is alice\n");
    ASSERT_EQ(c->tsna2_login("alice", kHash123456), "200:login is successful\n");
  }
  const std::filesystem::path file = dir_.path() / "scrape.txt";
  std::ofstream(file) << scrape();
  const CommandResult check = run_shell("promtool check metrics < " + file.string() + " 2>&1");
  EXPECT_EQ(check.status, 0) << check.output;
  EXPECT_EQ(check.output, "");
}

TEST_F(Metrics, CountersHoldExactValuesAfterAKnownSession) {
  start_with_metrics();
  {
    auto c = tsna2();
    ASSERT_EQ(c->tsna2_register("alice", kHash123456), "200:Your Registered Username is alice\n");
    ASSERT_EQ(c->tsna2_login("alice", kHash123), "400:Authentication Failed!\n");
    ASSERT_EQ(c->tsna2_login("alice", kHash123456), "200:login is successful\n");
    c->send("sum 1 2\n");
    ASSERT_EQ(c->read_reply(), "200:3.0\n");
    c->send("frobnicate\n");
    ASSERT_EQ(c->read_reply(), "400:Invalid command! Please use help to show commands!\n");
    c->send("exit\n");
    ASSERT_EQ(c->read_reply(), "200:disconnected\n");
    ASSERT_TRUE(c->closed_by_peer());
  }
  // 9 messages: hello, register, auth and its answer twice, sum, frobnicate, exit.
  scrape_until("tsna_audit_records_written_total 9");
  const std::string text = scrape_until("tsna_connections_open{port=\"plain\"} 0");
  for (const std::string& line : {
           "tsna_build_info{version=\"" + std::string(TSNA_PROJECT_VERSION) + "\"} 1",
           std::string("tsna_connections_open{port=\"plain\"} 0"),
           std::string("tsna_connections_accepted_total{port=\"plain\"} 1"),
           std::string("tsna_connections_accepted_total{port=\"tls\"} 0"),
           std::string("tsna_connections_rejected_total{port=\"plain\"} 0"),
           std::string("tsna_commands_total{command=\"hello\",code=\"200\"} 1"),
           std::string("tsna_commands_total{command=\"register\",code=\"200\"} 1"),
           std::string("tsna_commands_total{command=\"auth\",code=\"300\"} 2"),
           std::string("tsna_commands_total{command=\"answer\",code=\"200\"} 1"),
           std::string("tsna_commands_total{command=\"answer\",code=\"400\"} 1"),
           std::string("tsna_commands_total{command=\"sum\",code=\"200\"} 1"),
           std::string("tsna_commands_total{command=\"other\",code=\"400\"} 1"),
           std::string("tsna_commands_total{command=\"exit\",code=\"200\"} 1"),
           std::string("tsna_logins_total{dialect=\"tsna2\",outcome=\"ok\"} 1"),
           std::string("tsna_logins_total{dialect=\"tsna2\",outcome=\"failed\"} 1"),
           std::string("tsna_logins_total{dialect=\"tsna2\",outcome=\"throttled\"} 0"),
           std::string("tsna_logins_total{dialect=\"classic\",outcome=\"ok\"} 0"),
           std::string("tsna_store_operations_total{operation=\"add\",outcome=\"done\"} 1"),
           std::string("tsna_store_operations_total{operation=\"find\",outcome=\"done\"} 2"),
           std::string(
               "tsna_store_operations_total{operation=\"record_failure\",outcome=\"done\"} 1"),
           std::string(
               "tsna_store_operations_total{operation=\"record_success\",outcome=\"done\"} 1"),
           std::string("tsna_store_operation_duration_seconds_count{operation=\"add\"} 1"),
           std::string("tsna_store_operation_duration_seconds_count{operation=\"find\"} 2"),
           std::string("tsna_audit_records_written_total 9"),
           std::string("tsna_audit_records_dropped_total 0"),
       }) {
    EXPECT_TRUE(has_line(text, line)) << line << "\n--- scrape:\n" << text;
  }
  // Exactly the commands above were counted: no other command series.
  std::size_t command_series = 0;
  for (std::size_t at = text.find("\ntsna_commands_total{"); at != std::string::npos;
       at = text.find("\ntsna_commands_total{", at + 1)) {
    ++command_series;
  }
  EXPECT_EQ(command_series, 8U) << text;
}

TEST_F(Metrics, ClassicLoginsAreCountedByTheirDialect) {
  start({"--allow-classic", "--metrics", "127.0.0.1:0"});
  {
    auto c = classic();
    expect_classic(*c, "register bob " + std::string(kHash123456),
                   "200:Your Registered Username is bob");
    ASSERT_EQ(classic_login(*c, "bob", kHash123456), "200:login is successful");
  }
  const std::string text = scrape();
  EXPECT_TRUE(has_line(text, "tsna_logins_total{dialect=\"classic\",outcome=\"ok\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "tsna_commands_total{command=\"login\",code=\"none\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "tsna_commands_total{command=\"answer\",code=\"200\"} 1")) << text;
  EXPECT_TRUE(has_line(
      text, "tsna_store_operations_total{operation=\"check_password\",outcome=\"done\"} 1"))
      << text;
}

TEST_F(Metrics, MetricsAreServedAsPrometheusText) {
  start_with_metrics();
  const HttpResponse r = http_get(metrics_port(), "/metrics");
  EXPECT_TRUE(r.closed) << "the server closes after the response";
  EXPECT_TRUE(r.head.starts_with("HTTP/1.1 200 OK\r\n")) << r.head;
  EXPECT_NE(r.head.find("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
            std::string::npos)
      << r.head;
  EXPECT_NE(r.head.find("\r\nConnection: close\r\n"), std::string::npos) << r.head;
  EXPECT_TRUE(r.body.starts_with("# HELP tsna_build_info ")) << r.body;
}

TEST_F(Metrics, HealthAnswersOkWhileTheStoreIsReachable) {
  start_with_metrics();
  const HttpResponse r = http_get(metrics_port(), "/health");
  EXPECT_TRUE(r.closed) << "the server closes after the response";
  EXPECT_EQ(r.head,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
            "3\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.body, "ok\n");
  // HAProxy's `option httpchk GET /health` sends HTTP/1.0 without headers.
  EXPECT_TRUE(http_exchange(metrics_port(), "GET /health HTTP/1.0\r\n\r\n")
                  .head.starts_with("HTTP/1.1 200 OK\r\n"));
}

TEST_F(Metrics, OtherPathsMethodsAndGarbageGetErrorsAndTheServiceGoesOn) {
  start_with_metrics();
  EXPECT_TRUE(http_get(metrics_port(), "/").head.starts_with("HTTP/1.1 404 Not Found\r\n"));
  EXPECT_TRUE(http_get(metrics_port(), "/metricsx").head.starts_with("HTTP/1.1 404 Not Found\r\n"));
  EXPECT_TRUE(http_exchange(metrics_port(), "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
                  .head.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
  EXPECT_TRUE(http_exchange(metrics_port(), "\x01\x02 garbage\xff\r\n\r\n")
                  .head.starts_with("HTTP/1.1 400 Bad Request\r\n"));
  EXPECT_TRUE(http_exchange(metrics_port(), "GET /metrics SPDY/9\r\n\r\n")
                  .head.starts_with("HTTP/1.1 400 Bad Request\r\n"));
  // A request that never ends within the cap: refused once the cap is reached.
  EXPECT_TRUE(
      http_exchange(metrics_port(), "GET /metrics HTTP/1.1\r\nX: " + std::string(20000, 'a'))
          .head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
  auto c = tsna2();
  c->send("help\n");
  EXPECT_EQ(c->read_reply().rfind("200", 0), 0U);
  EXPECT_EQ(http_get(metrics_port(), "/health").body, "ok\n");
}

TEST_F(Metrics, AScraperThatStallsDoesNotHoldUpTheNextOne) {
  start_with_metrics();
  TestClient stalled(metrics_port());
  stalled.send("GET /metr");
  EXPECT_EQ(http_get(metrics_port(), "/health").body, "ok\n");
  auto c = tsna2();
  c->send("sum 2 2\n");
  EXPECT_EQ(c->read_reply(), "400:Invalid command\n");
}

TEST_F(Metrics, AMetricsAddressThatIsNotOneIsRefusedAtStart) {
  const CommandResult r = run_server_command("--port 0 --data-dir " + data_dir().string() +
                                             " --metrics 127.0.0.1:notaport");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("--metrics"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("expected ADDR:PORT, [IPv6]:PORT or PORT"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace tsna::testing
