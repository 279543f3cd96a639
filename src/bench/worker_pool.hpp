// worker_pool.hpp - tsna-bench's client threads: a Worker each, the active connections spread
// over them, setup lanes run on them with a deadline, and at the end their counters summed into
// the BenchResult. Internal to bench/.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/executor_work_guard.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "bench/report.hpp"
#include "bench/run_state.hpp"

namespace tsna::bench {

// One coroutine of a setup phase: the worker that runs it and how to start it; it must call
// done.done() when it has finished.
struct Lane {
  std::size_t worker = 0;
  std::function<asio::awaitable<void>(Worker& w, Countdown& done)> start;
};

class WorkerPool {
 public:
  // options.threads workers, active connection i on worker i % threads, each worker's thread
  // running. `s` must outlive the pool.
  explicit WorkerPool(const Shared& s);
  ~WorkerPool();  // stops and joins the threads if finish() has not
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::size_t size() const { return workers_.size(); }
  Worker& operator[](std::size_t i) { return *workers_[i]; }
  std::size_t active_connections() const { return active_; }

  // Starts `lanes` on their workers; true when all have finished before `deadline`.
  bool run_lanes(std::vector<Lane> lanes, SteadyClock::time_point deadline);
  // True when every worker has stopped (start_worker's end) before `deadline`.
  bool wait_finished(SteadyClock::time_point deadline) { return finished_.wait_until(deadline); }

  // Stops the loops, joins the threads, adds every worker's counters to `result` and closes
  // every socket. Call once; nothing runs on the workers afterwards.
  void finish(BenchResult& result);

 private:
  using Guard = asio::executor_work_guard<asio::io_context::executor_type>;
  void join();

  const Shared& s_;
  std::size_t active_ = 0;
  // Declared before the workers, whose coroutines count them down: they outlive the threads.
  std::deque<Countdown> phases_;
  Countdown finished_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
};

}  // namespace tsna::bench
