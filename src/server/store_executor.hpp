// store_executor.hpp - carries out sessions' store requests (lookups, PBKDF2 derivations, durable
// writes: session/store_work.hpp) on a small pool of store threads, so that neither a slow disk
// nor a derivation ever stalls an event loop (SPEC 4.2, 4.4; STYLE 6.4). The queue is bounded: a
// request past it is answered kUnavailable at once. Lookups that a store answers from memory run
// on the caller's thread. Results come back on the caller's executor.
#pragma once

#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "metrics/registry.hpp"
#include "session/session.hpp"
#include "session/store_work.hpp"

namespace tsna {

class StoreExecutor {
 public:
  // `threads` store threads (at least one), each at a lower scheduling priority than the event
  // loops, and at most `queue_capacity` requests queued or running at once. With `metrics`, each
  // request is counted by operation and outcome, and the time of those that ran.
  StoreExecutor(StoreWorkContext work, std::size_t threads, std::size_t queue_capacity,
                metrics::Registry* metrics = nullptr);
  ~StoreExecutor();
  StoreExecutor(const StoreExecutor&) = delete;
  StoreExecutor& operator=(const StoreExecutor&) = delete;

  // Thread safe. Completes with the result on the caller's executor once the work is done (a
  // write durably) or refused. The caller's loop is kept alive (a work guard) meanwhile.
  template <typename Token>
  auto async_run(StoreRequest request, Token&& token) {
    return asio::async_initiate<Token, void(StoreResult)>(
        [this](auto handler, StoreRequest req) {
          auto work = asio::make_work_guard(asio::get_associated_executor(handler));
          auto deliver = [work = std::move(work),
                          handler = std::move(handler)](StoreResult result) mutable {
            auto ex = work.get_executor();
            asio::post(ex, [handler = std::move(handler), result = std::move(result)]() mutable {
              std::move(handler)(std::move(result));
            });
            work.reset();
          };
          if (is_immediate(req, work_)) {
            deliver(run_now(req));
            return;
          }
          if (pending_.fetch_add(1, std::memory_order_relaxed) >= queue_capacity_) {
            pending_.fetch_sub(1, std::memory_order_relaxed);
            count_refused(req);
            deliver(StoreResult{StoreOutcome::kUnavailable, std::nullopt});
            return;
          }
          asio::post(io_, [this, req = std::move(req), deliver = std::move(deliver)]() mutable {
            StoreResult result = run_now(req);
            pending_.fetch_sub(1, std::memory_order_relaxed);
            deliver(std::move(result));
          });
        },
        token, std::move(request));
  }

  // The result at once, on the caller's thread, for a request that never blocks (is_immediate:
  // a lookup or a count kept in memory); nullopt for any other, which goes to async_run. The
  // caller continues with the result itself instead of being posted a handler.
  std::optional<StoreResult> run_if_immediate(const StoreRequest& request) {
    if (!is_immediate(request, work_)) {
      return std::nullopt;
    }
    return run_now(request);
  }

  // Runs `f` on a store thread: blocking work that is not a request, such as opening an event
  // loop's own connection to the shared store (server/loop_lookup.hpp).
  template <typename F>
  void post(F&& f) {
    asio::post(io_, std::forward<F>(f));
  }

  // Counts a request carried out elsewhere (an event loop's lookup), as run_now() counts its own.
  void record(const StoreRequest& request, const StoreResult& result,
              std::chrono::steady_clock::duration took);

  // Finishes the queued work and stops the threads. Idempotent.
  void join();

 private:
  StoreResult run_now(const StoreRequest& request);
  void count_refused(const StoreRequest& request);

  StoreWorkContext work_;
  metrics::Registry* const metrics_;
  const std::size_t queue_capacity_;
  std::atomic<std::size_t> pending_{0};  // queued or running on the store threads
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> keep_running_;
  std::vector<std::thread> threads_;
};

}  // namespace tsna
