// report.hpp - the outcome of one tsna-bench run and its two renderings: text for people,
// one JSON object for scripts (bench/compare.sh). Pure: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bench/histogram.hpp"
#include "bench/options.hpp"

namespace tsna::bench {

struct BenchResult {
  BenchOptions options;           // as run
  std::size_t users = 0;          // distinct users logged in as
  double measured_seconds = 0;    // length of the measured window (after warmup)
  std::uint64_t commands = 0;     // kCommands: replies received in the window
  std::uint64_t logins = 0;       // kLogins: logins completed in the window; else setup logins
  double login_seconds = 0;       // kCommands: how long the setup logins took
  LatencyHistogram latency;       // nanoseconds: per command, or per whole login (kLogins)
  std::uint64_t replies_400 = 0;  // error replies in the window, and refusals at setup
  std::uint64_t connection_failures = 0;  // refused, reset, closed or failed setup, any phase
  std::size_t connections_ready = 0;      // active connections that completed setup
  std::size_t idle_open = 0;              // idle connections that completed setup
  std::optional<std::uint64_t> rss_before_idle;  // --server-pid: VmRSS, bytes
  std::optional<std::uint64_t> rss_after_idle;
  std::optional<std::uint64_t> rss_end;
  std::optional<double> server_cpu_seconds;  // --server-pid: its CPU time in the window
  double client_cpu_seconds = 0;             // tsna-bench's own CPU time in the window
  std::string first_error;                   // the first failure seen, for the user

  double commands_per_second() const;
  double logins_per_second() const;
  // (rss_after_idle - rss_before_idle) / idle_open, when both samples and idle_open exist.
  std::optional<double> bytes_per_idle_connection() const;
  // CPU microseconds per command (or per login in kLogins), server and client.
  std::optional<double> server_cpu_us_per_op() const;
  double client_cpu_us_per_op() const;
  std::uint64_t errors() const { return replies_400 + connection_failures; }
};

std::string format_text(const BenchResult& result);
std::string format_json(const BenchResult& result);  // one line, ending "\n"

const char* target_name(Target target);     // "tsna2", "classic", "redis"
const char* pattern_name(Pattern pattern);  // "window", "batch"

}  // namespace tsna::bench
