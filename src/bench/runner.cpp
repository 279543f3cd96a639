// runner.cpp - tsna-bench's load: an io_context per client thread, a coroutine per connection or
// login worker, setup phases the main thread waits on, and a hot loop that allocates nothing
// per request (prepared requests, a buffer per connection, replies counted as they are read).
#include "bench/runner.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "auth/hex.hpp"
#include "auth/ntlm.hpp"
#include "bench/proc_status.hpp"
#include "bench/reply_scanner.hpp"

namespace tsna::bench {
namespace {

using asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

constexpr std::string_view kGreeting = "success";
constexpr std::string_view kHello = "hello TSNA/2\n";
constexpr std::string_view kHelloAccepted = "200:TSNA/2\n";
constexpr std::string_view kUserExists = "400:Username is already in users!";
constexpr std::string_view kRedisPing = "PING\r\n";
// Each active connection reads into a buffer of its own (64 bytes per request in flight, within
// these bounds); a fuller socket is simply read again.
constexpr std::size_t kMinReadBytes = 1024;
constexpr std::size_t kMaxReadBytes = 64 * 1024;
constexpr std::size_t kMaxSetupReply = 64 * 1024;  // a setup reply longer than this is wrong
// Setup (register, log in, open idle connections) runs this many connections at once per
// thread: enough to hide round trips, few enough not to overflow the server's listen backlog.
constexpr std::size_t kSetupLanesPerThread = 64;
constexpr std::size_t kRegisterLanes = 16;  // registrations are durable commits, serialised
constexpr auto kLoginFailureBackoff = std::chrono::milliseconds(10);
constexpr auto kWindDown = std::chrono::seconds(10);

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
      .count();
}

// A step that did not succeed. `reply`: the server answered, but not as hoped (a 400, an
// unexpected line); otherwise the connection itself failed (refused, reset, closed, timed out).
struct Failure {
  bool reply = false;
  std::string text;
};
using StepResult = std::optional<Failure>;  // nullopt: success

Failure connection_failure(std::string_view what, const std::error_code& ec) {
  std::string text(what);
  text += ": ";
  text += ec == asio::error::eof ? "connection closed by the server" : ec.message();
  return Failure{false, std::move(text)};
}

// The server's words, trimmed and made printable, for an error message.
std::string quoted(std::string_view bytes) {
  std::string out = "'";
  for (const char c : bytes.substr(0, 120)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    } else {
      out.push_back(c);
    }
  }
  out += bytes.size() > 120 ? "...'" : "'";
  return out;
}

// What every worker reads and nobody writes once the run starts.
struct Shared {
  BenchOptions options;
  tcp::endpoint endpoint;
  ReplyFormat format = ReplyFormat::kTsna2;
  std::string hash;                   // ntlm_hash(password)
  std::string user_prefix;            // names are "<prefix>-<i>"
  std::vector<std::string> requests;  // each command of the mix with its terminator
  std::size_t users = 0;

  std::string user_name(std::size_t i) const { return user_prefix + "-" + std::to_string(i); }
};

// Counts down to zero; the main thread waits for it with a deadline.
class Countdown {
 public:
  explicit Countdown(std::size_t count) : left_(count) {}
  void done() {
    std::lock_guard lock(mu_);
    if (left_ > 0 && --left_ == 0) {
      cv_.notify_all();
    }
  }
  bool wait_until(SteadyClock::time_point deadline) {
    std::unique_lock lock(mu_);
    return cv_.wait_until(lock, deadline, [this] { return left_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::size_t left_;
};

// One active connection of the commands mode.
struct ActiveConnection {
  ActiveConnection(asio::io_context& io, std::size_t format_index, ReplyFormat format,
                   std::size_t depth)
      : socket(io),
        scanner(format),
        sent(depth),
        in(std::clamp<std::size_t>(64 * depth, kMinReadBytes, kMaxReadBytes)),
        next_command(format_index) {}

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

struct Worker {
  explicit Worker(std::size_t index)
      : rng(std::random_device{}() ^ (0x9e3779b97f4a7c15ULL * (index + 1))) {}

  asio::io_context io{1};  // declared first: destroyed last, after everything that uses it
  asio::steady_timer gate{io, SteadyClock::time_point::max()};  // cancelled at the start
  asio::steady_timer warmup_timer{io};
  asio::steady_timer end_timer{io};
  std::vector<std::unique_ptr<ActiveConnection>> active;
  std::vector<tcp::socket> idle;
  std::vector<tcp::socket*> lane_sockets;  // login workers' current sockets, for the stop
  Counters counters;
  std::mt19937_64 rng;
  bool started = false;
  bool measuring = false;
  bool stopping = false;
  SteadyClock::time_point measure_begin{};
  SteadyClock::time_point measure_end{};
  std::size_t running = 0;  // hot loops or login workers still running
  Countdown* finished = nullptr;

  // A failed step: counted unless it is a refusal during the warmup, remembered if first.
  void fail(const Failure& f) {
    if (!f.reply) {
      ++counters.connection_failures;
    } else if (!started) {
      ++counters.setup_replies_400;
    } else if (measuring) {
      ++counters.replies_400;
    } else {
      return;
    }
    if (counters.first_error.empty()) {
      counters.first_error = f.text;
    }
  }

  void loop_ended() {
    --running;
    if (stopping && running == 0) {
      finished->done();
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Setup steps: connect, greeting, hello, register, login. Not on the hot path.

asio::awaitable<StepResult> write_all(tcp::socket& socket, std::string_view bytes) {
  auto [ec, n] = co_await asio::async_write(socket, asio::buffer(bytes), kNoThrow);
  if (ec) {
    co_return connection_failure("write", ec);
  }
  co_return std::nullopt;
}

// Reads until `in` holds at least `count` bytes.
asio::awaitable<StepResult> read_at_least(tcp::socket& socket, std::string& in, std::size_t count,
                                          std::string_view what) {
  char buf[512];
  while (in.size() < count) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), kNoThrow);
    if (ec) {
      co_return connection_failure(what, ec);
    }
    in.append(buf, n);
  }
  co_return std::nullopt;
}

// Reads one whole TSNA/2 reply into `reply`; bytes after it stay in `in`.
asio::awaitable<StepResult> read_tsna2_reply(tcp::socket& socket, std::string& in,
                                             std::string& reply, std::string_view what) {
  char buf[512];
  for (;;) {
    if (const std::size_t n = complete_tsna2_reply(in); n != 0) {
      reply.assign(in, 0, n);
      in.erase(0, n);
      co_return std::nullopt;
    }
    if (in.size() > kMaxSetupReply) {
      co_return Failure{true, std::string(what) + ": reply too long"};
    }
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), kNoThrow);
    if (ec) {
      co_return connection_failure(what, ec);
    }
    in.append(buf, n);
  }
}

// Classic: one read is one reply (SPEC 1.1).
asio::awaitable<StepResult> read_classic_reply(tcp::socket& socket, std::string& reply,
                                               std::string_view what) {
  char buf[512];
  auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), kNoThrow);
  if (ec) {
    co_return connection_failure(what, ec);
  }
  reply.assign(buf, n);
  co_return std::nullopt;
}

// Connects and, for tsna-server, reads the greeting and (TSNA/2) upgrades with hello. For
// Redis, only connects.
asio::awaitable<StepResult> open_session(tcp::socket& socket, const Shared& s, std::string& in) {
  auto [ec] = co_await socket.async_connect(s.endpoint, kNoThrow);
  if (ec) {
    co_return connection_failure("connect", ec);
  }
  std::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  socket.non_blocking(true, ignored);
  in.clear();
  if (s.options.target == Target::kRedis) {
    co_return std::nullopt;
  }
  if (auto f = co_await read_at_least(socket, in, kGreeting.size(), "greeting")) {
    co_return f;
  }
  if (std::string_view(in).substr(0, kGreeting.size()) != kGreeting) {
    // "400:Too many connections\n" comes instead of the greeting; show all of it.
    char buf[256];
    const std::size_t more = socket.read_some(asio::buffer(buf), ignored);
    in.append(buf, ignored ? 0 : more);
    co_return Failure{true, "greeting: the server said " + quoted(in)};
  }
  in.erase(0, kGreeting.size());
  if (s.options.target == Target::kClassic) {
    co_return std::nullopt;
  }
  if (auto f = co_await write_all(socket, kHello)) {
    co_return f;
  }
  std::string reply;
  if (auto f = co_await read_tsna2_reply(socket, in, reply, "hello")) {
    co_return f;
  }
  if (reply != kHelloAccepted) {
    co_return Failure{true, "hello: the server said " + quoted(reply)};
  }
  co_return std::nullopt;
}

// register NAME HASH; a name that exists already (a rerun) is fine: we log in anyway.
asio::awaitable<StepResult> register_user(tcp::socket& socket, const Shared& s, std::string& in,
                                          const std::string& name) {
  const bool tsna2 = s.options.target == Target::kTsna2;
  std::string request = "register " + name + " " + s.hash;
  if (tsna2) {
    request += '\n';
  }
  if (auto f = co_await write_all(socket, request)) {
    co_return f;
  }
  std::string reply;
  if (auto f = tsna2 ? co_await read_tsna2_reply(socket, in, reply, "register")
                     : co_await read_classic_reply(socket, reply, "register")) {
    co_return f;
  }
  std::string_view text(reply);
  if (tsna2 && text.ends_with('\n')) {
    text.remove_suffix(1);
  }
  if (!text.starts_with("200:") && text != kUserExists) {
    co_return Failure{true, "register " + name + ": the server said " + quoted(reply)};
  }
  co_return std::nullopt;
}

asio::awaitable<StepResult> login_tsna2(tcp::socket& socket, const Shared& s, std::string& in,
                                        const std::string& name, std::mt19937_64& rng) {
  if (auto f = co_await write_all(socket, "login " + name + "\n")) {
    co_return f;
  }
  std::string reply;
  if (auto f = co_await read_tsna2_reply(socket, in, reply, "login")) {
    co_return f;
  }
  std::array<std::uint8_t, auth::kTsna2ChallengeBytes> challenge{};
  const std::string_view r(reply);
  if (r.size() != 4 + 2 * challenge.size() + 1 || !r.starts_with("300:") ||
      !auth::from_hex(r.substr(4, 2 * challenge.size()), challenge)) {
    co_return Failure{true, "login " + name + ": the server said " + quoted(reply)};
  }
  std::array<std::uint8_t, auth::kTsna2NonceBytes> nonce{};
  for (std::size_t i = 0; i < nonce.size(); i += 8) {
    const std::uint64_t v = rng();
    std::memcpy(nonce.data() + i, &v, 8);
  }
  const auth::Digest mac = auth::tsna2_mac(s.hash, challenge, nonce, name);
  std::string answer;
  answer.reserve(2 * (nonce.size() + mac.size()) + 2);
  auth::append_hex(answer, nonce);
  answer += ' ';
  auth::append_hex(answer, mac);
  answer += '\n';
  if (auto f = co_await write_all(socket, answer)) {
    co_return f;
  }
  if (auto f = co_await read_tsna2_reply(socket, in, reply, "login answer")) {
    co_return f;
  }
  if (!reply.starts_with("200:")) {
    co_return Failure{true, "login " + name + ": the server said " + quoted(reply)};
  }
  co_return std::nullopt;
}

// Classic: "login NAME HASH", 8 raw challenge bytes back, 32 raw HMAC bytes out (SPEC 1.1).
asio::awaitable<StepResult> login_classic(tcp::socket& socket, const Shared& s, std::string& in,
                                          const std::string& name) {
  if (auto f = co_await write_all(socket, "login " + name + " " + s.hash)) {
    co_return f;
  }
  in.clear();
  if (auto f = co_await read_at_least(socket, in, auth::kClassicChallengeBytes, "login")) {
    co_return f;
  }
  if (in.size() != auth::kClassicChallengeBytes) {
    co_return Failure{true, "login " + name + ": the server said " + quoted(in)};
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(in.data());
  const auth::Digest answer =
      auth::classic_response(s.hash, std::span(bytes, auth::kClassicChallengeBytes));
  in.clear();
  if (auto f = co_await write_all(
          socket, std::string_view(reinterpret_cast<const char*>(answer.data()), answer.size()))) {
    co_return f;
  }
  std::string reply;
  if (auto f = co_await read_classic_reply(socket, reply, "login answer")) {
    co_return f;
  }
  if (!reply.starts_with("200:")) {
    co_return Failure{true, "login " + name + ": the server said " + quoted(reply)};
  }
  co_return std::nullopt;
}

asio::awaitable<StepResult> log_in(tcp::socket& socket, const Shared& s, std::string& in,
                                   const std::string& name, std::mt19937_64& rng) {
  if (s.options.target == Target::kClassic) {
    return login_classic(socket, s, in, name);
  }
  return login_tsna2(socket, s, in, name, rng);
}

void close_now(tcp::socket& socket) {
  // An abortive close (RST): no TIME_WAIT, so a login-rate run cannot run out of ports.
  std::error_code ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

// ---------------------------------------------------------------------------------------------
// The hot loop of the commands mode.

// Appends `count` requests of the mix to c.out and stamps them `t`.
void queue_requests(ActiveConnection& c, const Shared& s, std::size_t count, std::int64_t t) {
  const std::size_t depth = c.sent.size();
  for (std::size_t i = 0; i < count; ++i) {
    c.out += s.requests[c.next_command];
    if (++c.next_command == s.requests.size()) {
      c.next_command = 0;
    }
    std::size_t slot = c.head + c.in_flight;
    if (slot >= depth) {
      slot -= depth;
    }
    c.sent[slot] = t;
    ++c.in_flight;
  }
}

// Writes what the socket takes of c.out now, from c.written on. True when all of it is written
// (c.out is then cleared); false on would-block (ec clear) or an error (ec set).
bool write_now(ActiveConnection& c, std::error_code& ec) {
  while (c.written < c.out.size()) {
    c.written +=
        c.socket.write_some(asio::buffer(c.out.data() + c.written, c.out.size() - c.written), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      ec.clear();
      return false;
    }
    if (ec) {
      return false;
    }
  }
  c.out.clear();
  c.written = 0;
  return true;
}

// Writes c.out. Small requests on a healthy connection always go at once, with no suspension;
// only a full socket buffer makes it wait for writability.
asio::awaitable<std::error_code> write_out(ActiveConnection& c) {
  std::error_code ec;
  while (!write_now(c, ec) && !ec) {
    auto [wait_ec] = co_await c.socket.async_wait(asio::socket_base::wait_write, kNoThrow);
    if (wait_ec) {
      co_return wait_ec;
    }
  }
  co_return ec;
}

asio::awaitable<void> drive(Worker& w, const Shared& s, ActiveConnection& c) {
  if (!w.started) {
    co_await w.gate.async_wait(kNoThrow);
  }
  std::error_code ec;
  if (!w.stopping) {
    queue_requests(c, s, c.sent.size(), now_ns());
    if (!write_now(c, ec) && !ec) {
      ec = co_await write_out(c);
    }
  }
  const std::size_t depth = c.sent.size();
  while (!ec && !w.stopping) {
    // async_read_some, not async_wait + read_some: asio 1.22 re-arms epoll with an epoll_ctl
    // for every async_wait; a speculative read that finds nothing costs less (measured: about
    // 7 % less client CPU per command).
    auto [read_ec, n] = co_await c.socket.async_read_some(asio::buffer(c.in), kNoThrow);
    if (w.stopping) {
      break;
    }
    if (read_ec) {
      ec = read_ec;
      break;
    }
    const std::int64_t t = now_ns();
    const std::size_t completed = c.scanner.feed(std::string_view(c.in.data(), n), [&](bool ok) {
      if (c.in_flight == 0) {
        ok = false;  // a reply to nothing: count it as an error, there is no send time
      } else {
        const std::int64_t sent = c.sent[c.head];
        if (++c.head == depth) {
          c.head = 0;
        }
        --c.in_flight;
        if (w.measuring) {
          w.counters.latency.record(static_cast<std::uint64_t>(t - sent));
        }
      }
      if (w.measuring) {
        ++w.counters.commands;
        if (!ok) {
          ++w.counters.replies_400;
        }
      }
    });
    if (completed == 0) {
      continue;
    }
    // Closed loop: one new request for each reply, all in one write.
    queue_requests(c, s, std::min(completed, depth - c.in_flight), now_ns());
    if (!write_now(c, ec) && !ec) {
      ec = co_await write_out(c);
    }
  }
  if (ec && !w.stopping) {
    w.fail(connection_failure("during the run", ec));
  }
  w.loop_ended();
}

// ---------------------------------------------------------------------------------------------
// Setup lanes and login workers.

void spawn(Worker& w, asio::awaitable<void> task) {
  asio::co_spawn(w.io, std::move(task), [&w](std::exception_ptr e) {
    if (!e) {
      return;
    }
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      w.fail(Failure{false, std::string("internal error: ") + ex.what()});
    }
  });
}

// Registers users first, first + step, ... below s.users, each on a connection of its own.
asio::awaitable<void> register_lane(Worker& w, const Shared& s, std::size_t first, std::size_t step,
                                    Countdown& done) {
  std::string in;
  for (std::size_t i = first; i < s.users; i += step) {
    tcp::socket socket(w.io);
    StepResult f = co_await open_session(socket, s, in);
    if (!f) {
      f = co_await register_user(socket, s, in, s.user_name(i));
    }
    if (f) {
      w.fail(*f);
    }
    std::error_code ignored;
    socket.close(ignored);
  }
  done.done();
}

// Sets up every step-th of the worker's active connections from `first`, and starts each one's
// hot loop (which waits for the gate).
asio::awaitable<void> connect_lane(Worker& w, const Shared& s, std::size_t first, std::size_t step,
                                   std::size_t global_offset, std::size_t global_step,
                                   Countdown& done) {
  std::string in;
  for (std::size_t i = first; i < w.active.size(); i += step) {
    ActiveConnection& c = *w.active[i];
    const std::size_t global_index = global_offset + i * global_step;
    StepResult f = co_await open_session(c.socket, s, in);
    if (!f && s.options.target != Target::kRedis) {
      f = co_await log_in(c.socket, s, in, s.user_name(global_index % s.users), w.rng);
    }
    if (f) {
      w.fail(*f);
      std::error_code ignored;
      c.socket.close(ignored);
      continue;
    }
    c.ready = true;
    ++w.counters.active_ready;
    ++w.running;
    spawn(w, drive(w, s, c));
  }
  done.done();
}

asio::awaitable<void> idle_lane(Worker& w, const Shared& s, std::size_t count, Countdown& done) {
  std::string in;
  for (std::size_t i = 0; i < count; ++i) {
    tcp::socket socket(w.io);
    // Redis connections send nothing: Redis has no greeting or handshake, and a client that
    // has spoken gets a 16 KiB query buffer that Redis takes back only after 2 s of idleness.
    if (StepResult f = co_await open_session(socket, s, in)) {
      w.fail(*f);
      continue;
    }
    w.idle.push_back(std::move(socket));
    ++w.counters.idle_open;
  }
  done.done();
}

// Login-rate mode: connect, greeting, hello, login, answer, close, until the run ends.
asio::awaitable<void> login_worker(Worker& w, const Shared& s, std::size_t slot, std::size_t user) {
  if (!w.started) {
    co_await w.gate.async_wait(kNoThrow);
  }
  const std::string name = s.user_name(user);
  std::string in;
  asio::steady_timer backoff(w.io);
  while (!w.stopping) {
    tcp::socket socket(w.io);
    w.lane_sockets[slot] = &socket;
    const std::int64_t t0 = now_ns();
    StepResult f = co_await open_session(socket, s, in);
    if (!f) {
      f = co_await log_in(socket, s, in, name, w.rng);
    }
    const std::int64_t t1 = now_ns();
    w.lane_sockets[slot] = nullptr;
    close_now(socket);
    if (w.stopping) {
      break;
    }
    if (f) {
      w.fail(*f);
      // Do not spin against a server that refuses: that would measure only our failures.
      backoff.expires_after(kLoginFailureBackoff);
      co_await backoff.async_wait(kNoThrow);
      continue;
    }
    if (w.measuring) {
      ++w.counters.logins;
      w.counters.latency.record(static_cast<std::uint64_t>(t1 - t0));
    }
  }
  w.loop_ended();
}

// ---------------------------------------------------------------------------------------------
// Phases, on the workers' threads.

void begin_measuring(Worker& w, Mode mode) {
  w.measuring = true;
  w.measure_begin = SteadyClock::now();
  w.counters.commands = 0;
  w.counters.replies_400 = 0;
  if (mode == Mode::kLogins) {
    w.counters.logins = 0;
  }
  w.counters.latency.reset();
}

void stop_worker(Worker& w) {
  if (w.measuring) {
    w.measure_end = SteadyClock::now();
  }
  w.measuring = false;
  w.stopping = true;
  std::error_code ignored;
  w.gate.cancel();
  for (auto& c : w.active) {
    if (c->ready) {
      c->socket.cancel(ignored);
    }
  }
  for (tcp::socket* socket : w.lane_sockets) {
    if (socket != nullptr) {
      socket->cancel(ignored);
    }
  }
  if (w.running == 0) {
    w.finished->done();
  }
}

void start_worker(Worker& w, const Shared& s, SteadyClock::time_point start) {
  w.started = true;
  w.gate.cancel();
  const auto warmup_end = start + std::chrono::duration_cast<SteadyClock::duration>(
                                      std::chrono::duration<double>(s.options.warmup));
  const auto end = warmup_end + std::chrono::duration_cast<SteadyClock::duration>(
                                    std::chrono::duration<double>(s.options.seconds));
  if (s.options.warmup <= 0) {
    begin_measuring(w, s.options.mode);
  } else {
    w.warmup_timer.expires_at(warmup_end);
    w.warmup_timer.async_wait([&w, mode = s.options.mode](const std::error_code& ec) {
      if (!ec && !w.stopping) {
        begin_measuring(w, mode);
      }
    });
  }
  w.end_timer.expires_at(end);
  w.end_timer.async_wait([&w](const std::error_code&) { stop_worker(w); });
}

tcp::endpoint resolve(const BenchOptions& o) {
  std::error_code ec;
  const asio::ip::address address = asio::ip::make_address(o.host, ec);
  if (!ec) {
    return tcp::endpoint(address, o.port);
  }
  asio::io_context io;
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(o.host, std::to_string(o.port), ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve " + o.host + ": " + ec.message());
  }
  return results.begin()->endpoint();
}

// Enough descriptors for every socket of the run.
void raise_file_limit(std::size_t sockets) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    return;
  }
  const rlim_t want = static_cast<rlim_t>(sockets) + 64;
  if (lim.rlim_cur >= want) {
    return;
  }
  lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? want : std::min(want, lim.rlim_max);
  setrlimit(RLIMIT_NOFILE, &lim);
}

double seconds_between(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

BenchResult run_bench(const BenchOptions& options) {
  Shared s;
  s.options = options;
  s.endpoint = resolve(options);
  s.users = effective_users(options);
  s.hash = auth::ntlm_hash(options.password);
  s.user_prefix = options.user_prefix.empty()
                      ? "bench-" + std::to_string(static_cast<long>(::getpid()))
                      : options.user_prefix;
  switch (options.target) {
    case Target::kTsna2:
      s.format = ReplyFormat::kTsna2;
      for (const std::string& c : effective_commands(options)) {
        s.requests.push_back(c + "\n");
      }
      break;
    case Target::kClassic:
      s.format = ReplyFormat::kClassic;
      s.requests = effective_commands(options);
      break;
    case Target::kRedis:
      s.format = ReplyFormat::kRedis;
      s.requests = {std::string(kRedisPing)};
      break;
  }
  const bool logins_mode = options.mode == Mode::kLogins;
  const std::size_t active = logins_mode ? 0 : options.connections;
  raise_file_limit(active + options.idle + (logins_mode ? options.concurrency : 0) +
                   kRegisterLanes);

  BenchResult result;
  result.options = options;
  result.users = s.users;

  const std::size_t nthreads = options.threads;
  std::vector<std::unique_ptr<Worker>> workers;
  Countdown finished(nthreads);
  for (std::size_t i = 0; i < nthreads; ++i) {
    workers.push_back(std::make_unique<Worker>(i));
    workers.back()->finished = &finished;
  }
  // Active connection i belongs to worker i % nthreads.
  for (std::size_t i = 0; i < active; ++i) {
    Worker& w = *workers[i % nthreads];
    w.active.push_back(
        std::make_unique<ActiveConnection>(w.io, i % s.requests.size(), s.format, options.depth));
  }
  using Guard = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<Guard> guards;
  std::vector<std::thread> threads;
  for (auto& w : workers) {
    guards.push_back(asio::make_work_guard(w->io));
    threads.emplace_back([&io = w->io] { io.run(); });
  }
  const auto finish = [&]() -> BenchResult& {
    for (auto& g : guards) {
      g.reset();
    }
    for (auto& w : workers) {
      w->io.stop();
    }
    for (auto& t : threads) {
      t.join();
    }
    double measured = 0;
    for (auto& w : workers) {
      Counters& c = w->counters;
      result.commands += c.commands;
      result.replies_400 += c.replies_400 + c.setup_replies_400;
      result.connection_failures += c.connection_failures;
      result.connections_ready += c.active_ready;
      result.idle_open += c.idle_open;
      if (logins_mode) {
        result.logins += c.logins;
      }
      result.latency.merge(c.latency);
      if (result.first_error.empty()) {
        result.first_error = c.first_error;
      }
      if (w->measure_end > w->measure_begin) {
        measured += seconds_between(w->measure_begin, w->measure_end);
      }
    }
    result.measured_seconds = measured / static_cast<double>(nthreads);
    // Close every socket before the io_contexts go.
    for (auto& w : workers) {
      w->active.clear();
      w->idle.clear();
    }
    workers.clear();
    return result;
  };
  const auto timeout = std::chrono::duration_cast<SteadyClock::duration>(
      std::chrono::duration<double>(options.setup_timeout));
  const auto timed_out = [&](const char* phase) {
    std::string text = std::string("setup timed out while ") + phase;
    BenchResult& r = finish();
    if (r.first_error.empty()) {
      r.first_error = text;
    } else {
      r.first_error = text + " (first error: " + r.first_error + ")";
    }
    ++r.connection_failures;
    return r;
  };

  // 1. Users, each registered on a connection of its own.
  if (s.users > 0) {
    const std::size_t lanes = std::min(kRegisterLanes, s.users);
    Countdown registered(lanes);
    for (std::size_t lane = 0; lane < lanes; ++lane) {
      Worker& w = *workers[lane % nthreads];
      asio::post(w.io, [&w, &s, lane, lanes, &registered] {
        spawn(w, register_lane(w, s, lane, lanes, registered));
      });
    }
    if (!registered.wait_until(SteadyClock::now() + timeout)) {
      return timed_out("registering users");
    }
  }

  // 2. Active connections: connect, greeting, hello, login; each then waits at its gate.
  if (active > 0) {
    const auto begin = SteadyClock::now();
    std::size_t total_lanes = 0;
    std::vector<std::size_t> lanes_of(nthreads);
    for (std::size_t t = 0; t < nthreads; ++t) {
      lanes_of[t] = std::min(kSetupLanesPerThread, workers[t]->active.size());
      total_lanes += lanes_of[t];
    }
    Countdown connected(total_lanes);
    for (std::size_t t = 0; t < nthreads; ++t) {
      Worker& w = *workers[t];
      for (std::size_t lane = 0; lane < lanes_of[t]; ++lane) {
        asio::post(w.io, [&w, &s, lane, n = lanes_of[t], t, nthreads, &connected] {
          spawn(w, connect_lane(w, s, lane, n, t, nthreads, connected));
        });
      }
    }
    if (!connected.wait_until(begin + timeout)) {
      return timed_out("connecting and logging in");
    }
    result.login_seconds = seconds_between(begin, SteadyClock::now());
    if (options.target != Target::kRedis) {
      for (auto& w : workers) {
        result.logins += w->counters.active_ready;
      }
    }
  }

  // 3. Idle connections, with the server's memory sampled on both sides of them.
  if (options.server_pid) {
    result.rss_before_idle = read_rss_bytes(*options.server_pid);
  }
  if (options.idle > 0) {
    std::size_t total_lanes = 0;
    std::vector<std::vector<std::size_t>> lane_counts(nthreads);
    for (std::size_t t = 0; t < nthreads; ++t) {
      const std::size_t mine = options.idle / nthreads + (t < options.idle % nthreads ? 1 : 0);
      const std::size_t lanes = std::min(kSetupLanesPerThread, mine);
      for (std::size_t lane = 0; lane < lanes; ++lane) {
        lane_counts[t].push_back(mine / lanes + (lane < mine % lanes ? 1 : 0));
      }
      total_lanes += lanes;
      workers[t]->idle.reserve(mine);
    }
    Countdown opened(total_lanes);
    for (std::size_t t = 0; t < nthreads; ++t) {
      Worker& w = *workers[t];
      for (const std::size_t count : lane_counts[t]) {
        asio::post(w.io, [&w, &s, count, &opened] { spawn(w, idle_lane(w, s, count, opened)); });
      }
    }
    if (!opened.wait_until(SteadyClock::now() + timeout)) {
      return timed_out("opening idle connections");
    }
    if (options.server_pid) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the server settle
      result.rss_after_idle = read_rss_bytes(*options.server_pid);
    }
  }

  // 4. The measured run.
  if (logins_mode) {
    for (std::size_t i = 0; i < options.concurrency; ++i) {
      Worker& w = *workers[i % nthreads];
      w.lane_sockets.push_back(nullptr);
      ++w.running;
    }
    std::vector<std::size_t> next_slot(nthreads);
    for (std::size_t i = 0; i < options.concurrency; ++i) {
      Worker& w = *workers[i % nthreads];
      const std::size_t slot = next_slot[i % nthreads]++;
      asio::post(w.io, [&w, &s, slot, i] { spawn(w, login_worker(w, s, slot, i)); });
    }
  }
  const auto start = SteadyClock::now();
  for (auto& w : workers) {
    asio::post(w->io, [&w = *w, &s, start] { start_worker(w, s, start); });
  }
  // CPU time over the measured window, sampled here as the workers' timers begin and end it.
  std::this_thread::sleep_until(start + std::chrono::duration_cast<SteadyClock::duration>(
                                            std::chrono::duration<double>(options.warmup)));
  const double client_cpu_begin = own_cpu_seconds();
  std::optional<double> server_cpu_begin;
  if (options.server_pid) {
    server_cpu_begin = read_cpu_seconds(*options.server_pid);
  }
  const auto planned = std::chrono::duration_cast<SteadyClock::duration>(
      std::chrono::duration<double>(options.warmup + options.seconds));
  const bool wound_down = finished.wait_until(start + planned + kWindDown);
  result.client_cpu_seconds = own_cpu_seconds() - client_cpu_begin;
  if (server_cpu_begin) {
    if (const std::optional<double> end = read_cpu_seconds(*options.server_pid)) {
      result.server_cpu_seconds = *end - *server_cpu_begin;
    }
  }
  if (!wound_down) {
    std::string text = "the run did not wind down in time";
    BenchResult& r = finish();
    if (r.first_error.empty()) {
      r.first_error = text;
    }
    return r;
  }
  if (options.server_pid) {
    result.rss_end = read_rss_bytes(*options.server_pid);
  }
  return finish();
}

}  // namespace tsna::bench
