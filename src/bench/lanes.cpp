// lanes.cpp - setup lanes and login workers: each a loop over connection_steps.hpp that counts
// its failures on its worker and never throws.
#include "bench/lanes.hpp"

#include <algorithm>
#include <asio/post.hpp>

#include "bench/connection_steps.hpp"
#include "bench/load_loop.hpp"

namespace tsna::bench {
namespace {

constexpr auto kLoginFailureBackoff = std::chrono::milliseconds(10);

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
      f = co_await log_in(c.socket, s, in, s.user_name(global_index % s.users));
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
      f = co_await log_in(socket, s, in, name);
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

}  // namespace

std::vector<Lane> register_lanes(const Shared& s, std::size_t workers) {
  const std::size_t lanes = std::min(kRegisterLanes, s.users);
  std::vector<Lane> out;
  for (std::size_t lane = 0; lane < lanes; ++lane) {
    out.push_back({lane % workers, [&s, lane, lanes](Worker& w, Countdown& done) {
                     return register_lane(w, s, lane, lanes, done);
                   }});
  }
  return out;
}

std::vector<Lane> connect_lanes(WorkerPool& pool, const Shared& s) {
  const std::size_t nthreads = pool.size();
  std::vector<Lane> out;
  for (std::size_t t = 0; t < nthreads; ++t) {
    const std::size_t lanes = std::min(kSetupLanesPerThread, pool[t].active.size());
    for (std::size_t lane = 0; lane < lanes; ++lane) {
      // Active connection i of worker t is connection t + i * nthreads of the run.
      out.push_back({t, [&s, lane, lanes, t, nthreads](Worker& w, Countdown& done) {
                       return connect_lane(w, s, lane, lanes, t, nthreads, done);
                     }});
    }
  }
  return out;
}

std::vector<Lane> idle_lanes(WorkerPool& pool, const Shared& s) {
  const std::size_t nthreads = pool.size();
  const std::size_t idle = s.options.idle;
  std::vector<Lane> out;
  for (std::size_t t = 0; t < nthreads; ++t) {
    const std::size_t mine = idle / nthreads + (t < idle % nthreads ? 1 : 0);
    const std::size_t lanes = std::min(kSetupLanesPerThread, mine);
    pool[t].idle.reserve(mine);
    for (std::size_t lane = 0; lane < lanes; ++lane) {
      const std::size_t count = mine / lanes + (lane < mine % lanes ? 1 : 0);
      out.push_back(
          {t, [&s, count](Worker& w, Countdown& done) { return idle_lane(w, s, count, done); }});
    }
  }
  return out;
}

void start_login_workers(WorkerPool& pool, const Shared& s) {
  const std::size_t nthreads = pool.size();
  const std::size_t count = s.options.concurrency;
  // Every worker knows how many loops it runs before any of them can end.
  for (std::size_t i = 0; i < count; ++i) {
    Worker& w = pool[i % nthreads];
    w.lane_sockets.push_back(nullptr);
    ++w.running;
  }
  std::vector<std::size_t> next_slot(nthreads);
  for (std::size_t i = 0; i < count; ++i) {
    Worker& w = pool[i % nthreads];
    const std::size_t slot = next_slot[i % nthreads]++;
    asio::post(w.io, [&w, &s, slot, i] { spawn(w, login_worker(w, s, slot, i)); });
  }
}

}  // namespace tsna::bench
