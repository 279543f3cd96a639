// store_executor.cpp - the store threads: started at a lower priority than the event loops, so
// that derivations (about 1 ms each) never delay a reply that needs no store (SPEC 4.4).
#include "server/store_executor.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace tsna {
namespace {

// Nice value of the store threads relative to the process: under CPU contention an event loop
// thread gets about three times their share of a core (CFS weights 1024 vs 335). Not more: the
// store threads must still make progress on a machine busy with other work.
constexpr int kStoreThreadNice = 5;

// The index of metrics::kStoreOperationLabels for a request's kind.
std::size_t operation_index(StoreRequest::Kind kind) {
  switch (kind) {
    case StoreRequest::Kind::kFind:
      return 0;
    case StoreRequest::Kind::kCheckPassword:
      return 1;
    case StoreRequest::Kind::kAdd:
      return 2;
    case StoreRequest::Kind::kChange:
      return 3;
    case StoreRequest::Kind::kRecordFailure:
      return 4;
    case StoreRequest::Kind::kRecordSuccess:
      return 5;
  }
  return 0;
}

// The index of metrics::kStoreOutcomeLabels for an outcome.
std::size_t outcome_index(StoreOutcome outcome) {
  switch (outcome) {
    case StoreOutcome::kDone:
      return 0;
    case StoreOutcome::kNoSuchUser:
      return 1;
    case StoreOutcome::kNameTaken:
      return 2;
    case StoreOutcome::kWrongPassword:
      return 3;
    case StoreOutcome::kSamePassword:
      return 4;
    case StoreOutcome::kFailed:
      return 5;
    case StoreOutcome::kUnavailable:
      return 6;
    case StoreOutcome::kThrottled:
      return 7;
  }
  return 5;
}

}  // namespace

StoreExecutor::StoreExecutor(StoreWorkContext work, std::size_t threads, std::size_t queue_capacity,
                             metrics::Registry* metrics)
    : work_(work),
      metrics_(metrics),
      queue_capacity_(queue_capacity),
      keep_running_(asio::make_work_guard(io_)) {
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
  const auto started = std::chrono::steady_clock::now();
  StoreResult result = carry_out(request, work_, error);
  record(request, result, std::chrono::steady_clock::now() - started);
  if (!error.empty()) {
    std::fprintf(stderr, "tsna-server: store request failed: %s\n", error.c_str());
  }
  return result;
}

void StoreExecutor::record(const StoreRequest& request, const StoreResult& result,
                           std::chrono::steady_clock::duration took) {
  if (metrics_ == nullptr) {
    return;
  }
  metrics::Shard& shard = metrics_->local();
  const std::size_t op = operation_index(request.kind);
  shard.count_store(op, outcome_index(result.outcome));
  shard.observe_store_latency(
      op, static_cast<std::uint64_t>(
              std::chrono::duration_cast<std::chrono::nanoseconds>(took).count()));
}

void StoreExecutor::count_refused(const StoreRequest& request) {
  if (metrics_ != nullptr) {
    metrics_->local().count_store(operation_index(request.kind),
                                  outcome_index(StoreOutcome::kUnavailable));
  }
}

}  // namespace tsna
