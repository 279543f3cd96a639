// store_executor.cpp - the store threads: started at a lower priority than the event loops, so
// that derivations (about 1 ms each) never delay a reply that needs no store (SPEC 4.4).
#include "server/store_executor.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

namespace tsna {
namespace {

// Nice value of the store threads relative to the process: under CPU contention an event loop
// thread gets about three times their share of a core (CFS weights 1024 vs 335). Not more: the
// store threads must still make progress on a machine busy with other work.
constexpr int kStoreThreadNice = 5;

}  // namespace

StoreExecutor::StoreExecutor(StoreWorkContext work, std::size_t threads, std::size_t queue_capacity)
    : work_(work), queue_capacity_(queue_capacity), keep_running_(asio::make_work_guard(io_)) {
  const std::size_t n = threads == 0 ? 1 : threads;
  threads_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    threads_.emplace_back([this] {
      // Linux applies a nice value per thread (PRIO_PROCESS with a thread id).
      if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()),
                        ::getpriority(PRIO_PROCESS, 0) + kStoreThreadNice) != 0) {
        std::perror("tsna-server: warning: cannot lower the store threads' priority");
      }
      io_.run();
    });
  }
}

StoreExecutor::~StoreExecutor() {
  join();
}

void StoreExecutor::join() {
  keep_running_.reset();
  for (std::thread& t : threads_) {
    if (t.joinable()) {
      t.join();
    }
  }
}

StoreResult StoreExecutor::run_now(const StoreRequest& request) {
  std::string error;
  StoreResult result = carry_out(request, work_, error);
  if (!error.empty()) {
    std::fprintf(stderr, "tsna-server: store request failed: %s\n", error.c_str());
  }
  return result;
}

}  // namespace tsna
