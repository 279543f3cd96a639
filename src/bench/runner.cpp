// runner.cpp - one tsna-bench run as the main thread sees it: prepare, then each setup phase
// started on the workers and waited for with a deadline, then the measured window with CPU and
// memory sampled around it. The work itself runs in lanes.cpp and load_loop.cpp.
#include "bench/runner.hpp"

#include <asio/post.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "bench/lanes.hpp"
#include "bench/proc_status.hpp"
#include "bench/setup.hpp"
#include "bench/worker_phases.hpp"
#include "bench/worker_pool.hpp"

namespace tsna::bench {
namespace {

constexpr auto kWindDown = std::chrono::seconds(10);

// 2. Active connections: connect, greeting, hello, login; each then waits at its gate.
bool connect_active(WorkerPool& pool, const Shared& s, SteadyClock::duration timeout,
                    BenchResult& result) {
  if (pool.active_connections() == 0) {
    return true;
  }
  const auto begin = SteadyClock::now();
  if (!pool.run_lanes(connect_lanes(pool, s), begin + timeout)) {
    return false;
  }
  result.login_seconds = seconds_between(begin, SteadyClock::now());
  if (s.options.target != Target::kRedis) {
    for (std::size_t t = 0; t < pool.size(); ++t) {
      result.logins += pool[t].counters.active_ready;
    }
  }
  return true;
}

// 3. Idle connections, with the server's memory sampled on both sides of them.
bool open_idle(WorkerPool& pool, const Shared& s, SteadyClock::duration timeout,
               BenchResult& result) {
  const std::optional<pid_t> server = s.options.server_pid;
  if (server) {
    result.rss_before_idle = read_rss_bytes(*server);
  }
  if (s.options.idle == 0) {
    return true;
  }
  if (!pool.run_lanes(idle_lanes(pool, s), SteadyClock::now() + timeout)) {
    return false;
  }
  if (server) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the server settle
    result.rss_after_idle = read_rss_bytes(*server);
  }
  return true;
}

// The setup phase that did not finish in time, or nullptr when all did.
const char* set_up(WorkerPool& pool, const Shared& s, BenchResult& result) {
  const SteadyClock::duration timeout = to_duration(s.options.setup_timeout);
  // 1. Users, each registered on a connection of its own.
  if (s.users > 0 &&
      !pool.run_lanes(register_lanes(s, pool.size()), SteadyClock::now() + timeout)) {
    return "registering users";
  }
  if (!connect_active(pool, s, timeout, result)) {
    return "connecting and logging in";
  }
  if (!open_idle(pool, s, timeout, result)) {
    return "opening idle connections";
  }
  return nullptr;
}

// 4. The measured run, with the CPU time of the measured window sampled here as the workers'
// timers begin and end it. False when the workers did not wind down in time.
bool measure(WorkerPool& pool, const Shared& s, BenchResult& result) {
  const BenchOptions& o = s.options;
  if (o.mode == Mode::kLogins) {
    start_login_workers(pool, s);
  }
  const auto start = SteadyClock::now();
  for (std::size_t t = 0; t < pool.size(); ++t) {
    asio::post(pool[t].io, [&w = pool[t], &s, start] { start_worker(w, s, start); });
  }
  std::this_thread::sleep_until(start + to_duration(o.warmup));
  const double client_cpu_begin = own_cpu_seconds();
  std::optional<double> server_cpu_begin;
  if (o.server_pid) {
    server_cpu_begin = read_cpu_seconds(*o.server_pid);
  }
  const bool wound_down = pool.wait_finished(start + to_duration(o.warmup + o.seconds) + kWindDown);
  result.client_cpu_seconds = own_cpu_seconds() - client_cpu_begin;
  if (server_cpu_begin) {
    if (const std::optional<double> end = read_cpu_seconds(*o.server_pid)) {
      result.server_cpu_seconds = *end - *server_cpu_begin;
    }
  }
  if (wound_down && o.server_pid) {
    result.rss_end = read_rss_bytes(*o.server_pid);
  }
  return wound_down;
}

}  // namespace

BenchResult run_bench(const BenchOptions& options) {
  const Shared s = prepare_run(options);
  raise_file_limit_for(options);
  BenchResult result;
  result.options = options;
  result.users = s.users;

  WorkerPool pool(s);
  if (const char* phase = set_up(pool, s, result)) {
    pool.finish(result);
    const std::string text = std::string("setup timed out while ") + phase;
    result.first_error =
        result.first_error.empty() ? text : text + " (first error: " + result.first_error + ")";
    ++result.connection_failures;
    return result;
  }
  const bool wound_down = measure(pool, s, result);
  pool.finish(result);
  if (!wound_down && result.first_error.empty()) {
    result.first_error = "the run did not wind down in time";
  }
  return result;
}

}  // namespace tsna::bench
