// loop_lookup.hpp - a login's first question to the shared store, asked by the event loop itself
// (SPEC 4.2, 4.4): on the loop's own PostgreSQL connection in pipeline mode, watched by the
// loop's epoll set, so the lookup costs no store thread and no hand-over between threads, and
// the lookups of one loop turn share a round trip. Only kFind (a TSNA/2 login's throttle verdict
// and verifier: no derivation) goes this way; while the connection is being opened or after it
// broke, requests go to the StoreExecutor as before, and so do the ones the break caught (the
// lookup is a read: asking again is safe). The connection is opened on a store thread, again
// after a break at most once per second. Runs on its worker's thread only.
#pragma once

#include <asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "server/plain_loop.hpp"
#include "server/store_executor.hpp"
#include "session/session.hpp"
#include "store/postgres_connection.hpp"
#include "store/postgres_pipeline.hpp"

namespace tsna {

class LoopLookup final : public PlainLoop::Handler {
 public:
  using Done = std::function<void(StoreResult)>;

  LoopLookup(asio::io_context& io, PlainLoop& plain, std::shared_ptr<PostgresPool> pool,
             StoreExecutor& executor);
  ~LoopLookup();
  LoopLookup(const LoopLookup&) = delete;
  LoopLookup& operator=(const LoopLookup&) = delete;

  // Carries out `request`: on the loop's connection when it is a kFind and the connection is
  // up, else on the store threads. `done` runs later, on this loop's thread, never from inside
  // this call.
  void run(StoreRequest request, Done done);

  void on_ready(std::uint32_t events) override;

 private:
  struct Ready {
    Done done;
    StoreResult result;
  };

  void open();
  void adopt(std::unique_ptr<PgPipeline> pipeline);
  void drop();
  void hand_over(StoreRequest request, Done done);
  void finish(const StoreRequest& request, std::chrono::steady_clock::time_point started,
              Done& done, PgReply reply);
  void update_watch();
  void deliver_later(Done done, StoreResult result);

  asio::io_context& io_;
  PlainLoop& plain_;
  std::shared_ptr<PostgresPool> pool_;
  StoreExecutor& executor_;
  std::unique_ptr<PgPipeline> pipeline_;
  int fd_ = -1;  // pipeline_'s socket, as registered
  bool watching_write_ = false;
  bool opening_ = false;  // a store thread is opening the connection
  std::chrono::steady_clock::time_point next_open_{};
  // Results to hand out on the next turn: not from inside the epoll round that read them,
  // where a connection they end may still have an event waiting.
  std::vector<Ready> ready_;
};

}  // namespace tsna
