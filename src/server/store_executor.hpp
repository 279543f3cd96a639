// store_executor.hpp - runs store writes on their own thread so a slow disk never stalls an
// event loop (SPEC 4.2, STYLE 6.4). Event loops co_await the result and resume on their own
// executor.
#pragma once

#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <asio/thread_pool.hpp>
#include <utility>

#include "session/session.hpp"
#include "store/user_store.hpp"

namespace tsna {

class StoreExecutor {
 public:
  explicit StoreExecutor(UserStore& users) : users_(users) {}
  ~StoreExecutor() { join(); }

  // Thread safe. Completes with the outcome on the caller's executor once the write is durable
  // (or failed). The caller's loop is kept alive (a work guard) while the write is queued.
  template <typename Token>
  auto async_run(StoreRequest request, Token&& token) {
    return asio::async_initiate<Token, void(StoreOutcome)>(
        [this](auto handler, StoreRequest req) {
          auto work = asio::make_work_guard(asio::get_associated_executor(handler));
          asio::post(pool_, [this, req = std::move(req), handler = std::move(handler),
                             work = std::move(work)]() mutable {
            const StoreOutcome outcome = execute(req);
            auto ex = work.get_executor();
            asio::post(ex, [handler = std::move(handler), outcome]() mutable {
              std::move(handler)(outcome);
            });
            work.reset();
          });
        },
        token, std::move(request));
  }

  // Finishes the queued writes and stops the thread.
  void join() { pool_.join(); }

 private:
  StoreOutcome execute(const StoreRequest& request);

  UserStore& users_;
  asio::thread_pool pool_{1};  // one writer: SQLite serialises writes anyway
};

}  // namespace tsna
