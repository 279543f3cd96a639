// loop_lookup.cpp - login lookups on the event loop's own pipelined connection (loop_lookup.hpp).
#include "server/loop_lookup.hpp"

#include <asio/bind_executor.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <cstdio>
#include <exception>

#include "session/store_work.hpp"
#include "store/postgres_login_lookup.hpp"

namespace tsna {
namespace {

// The least time between two attempts to open the loop's connection; meanwhile the store
// threads serve (their pool has its own backoff).
constexpr std::chrono::seconds kReopenInterval{1};

}  // namespace

LoopLookup::LoopLookup(asio::io_context& io, PlainLoop& plain, std::shared_ptr<PostgresPool> pool,
                       StoreExecutor& executor)
    : io_(io), plain_(plain), pool_(std::move(pool)), executor_(executor) {}

LoopLookup::~LoopLookup() {
  if (fd_ >= 0) {
    plain_.remove(fd_);
  }
}

void LoopLookup::run(StoreRequest request, Done done) {
  if (request.kind != StoreRequest::Kind::kFind) {
    hand_over(std::move(request), std::move(done));
    return;
  }
  if (!pipeline_) {
    open();
    hand_over(std::move(request), std::move(done));
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  const bool sent = pipeline_->send(PostgresLoginLookup::statement(),
                                    PostgresLoginLookup::parameters(request.address, request.name),
                                    [this, request, started, done](PgReply reply) mutable {
                                      finish(request, started, done, std::move(reply));
                                    });
  if (pipeline_->broken()) {
    drop();
  } else {
    update_watch();
  }
  if (!sent) {
    hand_over(std::move(request), std::move(done));
  }
}

void LoopLookup::on_ready(std::uint32_t) {
  if (!pipeline_) {
    return;
  }
  pipeline_->on_ready();
  if (pipeline_->broken()) {
    drop();
  } else {
    update_watch();
  }
}

void LoopLookup::finish(const StoreRequest& request, std::chrono::steady_clock::time_point started,
                        Done& done, PgReply reply) {
  StoreResult result;
  switch (reply.status) {
    case PgReply::Status::kBroken:
      // The connection broke under the read: the store threads ask again.
      hand_over(request, std::move(done));
      return;
    case PgReply::Status::kFailed:
      std::fprintf(stderr, "tsna-server: store request failed: %s\n", reply.error.c_str());
      result.outcome = StoreOutcome::kFailed;
      break;
    case PgReply::Status::kRows:
      try {
        result = lookup_outcome(request, PostgresLoginLookup::result_of(reply.rows, request.name));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "tsna-server: store request failed: %s\n", e.what());
        result = StoreResult{StoreOutcome::kFailed, std::nullopt};
      }
      break;
  }
  executor_.record(request, result, std::chrono::steady_clock::now() - started);
  deliver_later(std::move(done), std::move(result));
}

void LoopLookup::deliver_later(Done done, StoreResult result) {
  ready_.push_back(Ready{std::move(done), std::move(result)});
  if (ready_.size() > 1) {
    return;  // already posted
  }
  asio::post(io_, [this] {
    std::vector<Ready> batch;
    batch.swap(ready_);
    for (Ready& r : batch) {
      r.done(std::move(r.result));
    }
  });
}

void LoopLookup::hand_over(StoreRequest request, Done done) {
  executor_.async_run(std::move(request), asio::bind_executor(io_, std::move(done)));
}

void LoopLookup::open() {
  const auto now = std::chrono::steady_clock::now();
  if (opening_ || now < next_open_) {
    return;
  }
  opening_ = true;
  next_open_ = now + kReopenInterval;
  // The guard keeps the loop running until adopt() has run, so `this` is still there.
  executor_.post([this, pool = pool_, guard = asio::make_work_guard(io_)]() mutable {
    std::unique_ptr<PgPipeline> pipeline;
    try {
      pipeline = pool->open_pipeline();
    } catch (const std::exception&) {
      // Unreachable: the store threads keep serving, and say so.
    }
    asio::post(io_,
               [this, pipeline = std::move(pipeline)]() mutable { adopt(std::move(pipeline)); });
  });
}

void LoopLookup::adopt(std::unique_ptr<PgPipeline> pipeline) {
  opening_ = false;
  if (!pipeline) {
    return;
  }
  const int fd = pipeline->socket();
  if (fd < 0 || !plain_.add_level(fd, this, pipeline->wants_write())) {
    return;
  }
  fd_ = fd;
  watching_write_ = pipeline->wants_write();
  pipeline_ = std::move(pipeline);
}

void LoopLookup::drop() {
  if (fd_ >= 0) {
    plain_.remove(fd_);
  }
  fd_ = -1;
  watching_write_ = false;
  pipeline_.reset();
}

void LoopLookup::update_watch() {
  const bool write = pipeline_->wants_write();
  if (write != watching_write_ && plain_.set_level(fd_, this, write)) {
    watching_write_ = write;
  }
}

}  // namespace tsna
