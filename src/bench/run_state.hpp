// run_state.hpp - tsna-bench's internal types of one run: what every worker reads (Shared), what
// each worker owns (its event loop, connections and counters) and how a step fails. Internal
// to bench/: nothing outside it includes this, and it knows nothing of the server's code.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "auth/scram_client.hpp"
#include "bench/histogram.hpp"
#include "bench/options.hpp"
#include "bench/reply_scanner.hpp"

namespace tsna::bench {

using asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
inline constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
      .count();
}

// The options' fractional seconds as a clock duration.
inline SteadyClock::duration to_duration(double seconds) {
  return std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(seconds));
}

inline double seconds_between(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// A step that did not succeed. `reply`: the server answered, but not as hoped (a 400, an
// unexpected line); otherwise the connection itself failed (refused, reset, closed, timed out).
struct Failure {
  bool reply = false;
  std::string text;
};
using StepResult = std::optional<Failure>;  // nullopt: success

// "<what>: <the error>", with end of file said in words.
Failure connection_failure(std::string_view what, const std::error_code& ec);

// What every worker reads and nobody writes once the run starts, but for the salted password
// cache, which locks for itself.
struct Shared {
  BenchOptions options;
  tcp::endpoint endpoint;
  ReplyFormat format = ReplyFormat::kTsna2;
  std::string hash;                   // ntlm_hash(password)
  std::string user_prefix;            // names are "<prefix>-<i>"
  std::vector<std::string> requests;  // each command of the mix, framed for the wire
  std::size_t users = 0;
  // Salted passwords of the run's SCRAM logins, per (user, password, salt, iterations): a user's
  // second login costs the client no PBKDF2, as real clients may cache.
  std::unique_ptr<auth::SaltedPasswordCache> salted_passwords =
      std::make_unique<auth::SaltedPasswordCache>();

  std::string user_name(std::size_t i) const { return user_prefix + "-" + std::to_string(i); }
};

// Counts down to zero; the main thread waits for it with a deadline.
class Countdown {
 public:
  explicit Countdown(std::size_t count) : left_(count) {}
  void done();
  bool wait_until(SteadyClock::time_point deadline);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::size_t left_;
};

// One active connection of the commands mode.
struct ActiveConnection {
  ActiveConnection(asio::io_context& io, std::size_t format_index, ReplyFormat format,
                   std::size_t depth);

  tcp::socket socket;
  ReplyScanner scanner;
  std::vector<std::int64_t> sent;  // a ring of the send times of the requests in flight
  std::size_t head = 0;            // the oldest request in flight
  std::size_t in_flight = 0;
  std::vector<char> in;      // replies being read
  std::size_t next_command;  // index into Shared::requests
  std::string out;           // requests being written; keeps its capacity
  std::size_t written = 0;   // bytes of `out` written so far
  bool ready = false;        // set up and logged in
};

// Per-thread counters: touched only by the worker's thread until the main thread joins it.
struct Counters {
  std::uint64_t commands = 0;           // measured window
  std::uint64_t replies_400 = 0;        // measured window
  std::uint64_t setup_replies_400 = 0;  // refused registers and logins before the start
  std::uint64_t logins = 0;
  std::uint64_t connection_failures = 0;  // any phase
  std::size_t active_ready = 0;
  std::size_t idle_open = 0;
  LatencyHistogram latency;
  std::string first_error;
};

// One client thread's event loop and everything that runs on it.
struct Worker {
  Worker() = default;

  asio::io_context io{1};  // declared first: destroyed last, after everything that uses it
  asio::steady_timer gate{io, SteadyClock::time_point::max()};  // cancelled at the start
  asio::steady_timer warmup_timer{io};
  asio::steady_timer end_timer{io};
  std::vector<std::unique_ptr<ActiveConnection>> active;
  std::vector<tcp::socket> idle;
  std::vector<tcp::socket*> lane_sockets;  // login workers' current sockets, for the stop
  Counters counters;
  bool started = false;
  bool measuring = false;
  bool stopping = false;
  SteadyClock::time_point measure_begin{};
  SteadyClock::time_point measure_end{};
  std::size_t running = 0;  // hot loops or login workers still running
  Countdown* finished = nullptr;

  // A failed step: counted unless it is a refusal during the warmup, remembered if first.
  void fail(const Failure& f);
  // A hot loop or login worker has returned; the last one after the stop says so.
  void loop_ended();
};

// Runs `task` on the worker's loop; an exception that escapes it is counted as a failure.
void spawn(Worker& w, asio::awaitable<void> task);

}  // namespace tsna::bench
