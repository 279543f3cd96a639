// run_state.cpp - the few behaviours of the run's shared types: countdowns, per-worker failure
// accounting and spawning a worker's coroutines.
#include "bench/run_state.hpp"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <exception>

namespace tsna::bench {
namespace {

// Each active connection reads into a buffer of its own (64 bytes per request in flight, within
// these bounds); a fuller socket is simply read again.
constexpr std::size_t kMinReadBytes = 1024;
constexpr std::size_t kMaxReadBytes = 64 * 1024;

}  // namespace

Failure connection_failure(std::string_view what, const std::error_code& ec) {
  std::string text(what);
  text += ": ";
  text += ec == asio::error::eof ? "connection closed by the server" : ec.message();
  return Failure{false, std::move(text)};
}

void Countdown::done() {
  std::lock_guard lock(mu_);
  if (left_ > 0 && --left_ == 0) {
    cv_.notify_all();
  }
}

bool Countdown::wait_until(SteadyClock::time_point deadline) {
  std::unique_lock lock(mu_);
  return cv_.wait_until(lock, deadline, [this] { return left_ == 0; });
}

ActiveConnection::ActiveConnection(asio::io_context& io, std::size_t format_index,
                                   ReplyFormat format, std::size_t depth)
    : socket(io),
      scanner(format),
      sent(depth),
      in(std::clamp<std::size_t>(64 * depth, kMinReadBytes, kMaxReadBytes)),
      next_command(format_index) {}

void Worker::fail(const Failure& f) {
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

void Worker::loop_ended() {
  --running;
  if (stopping && running == 0) {
    finished->done();
  }
}

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

}  // namespace tsna::bench
