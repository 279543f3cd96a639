// worker_pool.cpp - creating, running, stopping and summing the workers; the countdowns every
// setup phase waits on live here until the threads are joined.
#include "bench/worker_pool.hpp"

#include <asio/post.hpp>

namespace tsna::bench {

WorkerPool::WorkerPool(const Shared& s)
    : s_(s),
      active_(s.options.mode == Mode::kLogins ? 0 : s.options.connections),
      finished_(s.options.threads) {
  const std::size_t nthreads = s.options.threads;
  for (std::size_t i = 0; i < nthreads; ++i) {
    workers_.push_back(std::make_unique<Worker>());
    workers_.back()->finished = &finished_;
  }
  for (std::size_t i = 0; i < active_; ++i) {
    Worker& w = *workers_[i % nthreads];
    w.active.push_back(
        std::make_unique<ActiveConnection>(w.io, i % s.requests.size(), s.format, s.options.depth));
  }
  for (auto& w : workers_) {
    guards_.push_back(asio::make_work_guard(w->io));
    threads_.emplace_back([&io = w->io] { io.run(); });
  }
}

WorkerPool::~WorkerPool() {
  join();
}

bool WorkerPool::run_lanes(std::vector<Lane> lanes, SteadyClock::time_point deadline) {
  Countdown& done = phases_.emplace_back(lanes.size());
  for (Lane& lane : lanes) {
    Worker& w = *workers_[lane.worker];
    asio::post(w.io, [&w, &done, start = std::move(lane.start)] { spawn(w, start(w, done)); });
  }
  return done.wait_until(deadline);
}

void WorkerPool::join() {
  for (auto& g : guards_) {
    g.reset();
  }
  for (auto& w : workers_) {
    w->io.stop();
  }
  for (auto& t : threads_) {
    if (t.joinable()) {
      t.join();
    }
  }
}

void WorkerPool::finish(BenchResult& result) {
  join();
  double measured = 0;
  for (auto& w : workers_) {
    Counters& c = w->counters;
    result.commands += c.commands;
    result.replies_400 += c.replies_400 + c.setup_replies_400;
    result.connection_failures += c.connection_failures;
    result.connections_ready += c.active_ready;
    result.idle_open += c.idle_open;
    if (s_.options.mode == Mode::kLogins) {
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
  result.measured_seconds = measured / static_cast<double>(workers_.size());
  // Close every socket before the io_contexts go.
  for (auto& w : workers_) {
    w->active.clear();
    w->idle.clear();
  }
  workers_.clear();
}

}  // namespace tsna::bench
