// plain_loop.cpp - the epoll set behind a worker's plain connections, drained from one Asio
// wait on the epoll descriptor: one epoll_wait hands out up to 128 ready sockets, and the wait
// is re-armed only when the set has run dry.
#include "server/plain_loop.hpp"

#include <unistd.h>

#include <algorithm>
#include <asio/post.hpp>
#include <cerrno>
#include <system_error>

namespace tsna {
namespace {

// Rounds of epoll_wait per pump before the worker's other handlers (timers, TLS connections,
// store results) get their turn.
constexpr int kRoundsPerPump = 8;

int make_epoll() {
  const int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_create1");
  }
  return fd;
}

}  // namespace

PlainLoop::PlainLoop(asio::io_context& io) : watch_(io) {
  epoll_fd_ = make_epoll();
  std::error_code ec;
  watch_.assign(epoll_fd_, ec);  // watch_ owns the descriptor from here on
  if (ec) {
    ::close(epoll_fd_);
    throw std::system_error(ec, "epoll descriptor");
  }
  deferred_.reserve(16);
  running_.reserve(16);
}

PlainLoop::~PlainLoop() = default;

bool PlainLoop::add(int fd, Handler* handler) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = handler;
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

namespace {

epoll_event level_event(PlainLoop::Handler* handler, bool write) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (write ? EPOLLOUT : 0u);
  ev.data.ptr = handler;
  return ev;
}

}  // namespace

bool PlainLoop::add_level(int fd, Handler* handler, bool write) {
  epoll_event ev = level_event(handler, write);
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool PlainLoop::set_level(int fd, Handler* handler, bool write) {
  epoll_event ev = level_event(handler, write);
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void PlainLoop::remove(int fd) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void PlainLoop::defer(Handler* handler) {
  if (!handler->deferred_) {
    handler->deferred_ = true;
    deferred_.push_back(handler);
  }
}

void PlainLoop::forget(Handler* handler) {
  if (!handler->deferred_) {
    return;
  }
  handler->deferred_ = false;
  std::replace(deferred_.begin(), deferred_.end(), handler, static_cast<Handler*>(nullptr));
  std::replace(running_.begin(), running_.end(), handler, static_cast<Handler*>(nullptr));
}

void PlainLoop::start() {
  arm();
}

void PlainLoop::stop() {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  std::error_code ignored;
  watch_.cancel(ignored);
}

void PlainLoop::arm() {
  if (stopped_) {
    return;
  }
  watch_.async_wait(asio::posix::descriptor_base::wait_read, [this](std::error_code ec) {
    if (!ec && !stopped_) {
      pump();
    }
  });
}

bool PlainLoop::run_deferred() {
  if (deferred_.empty()) {
    return false;
  }
  running_.swap(deferred_);
  for (Handler*& h : running_) {
    if (h != nullptr) {
      Handler* const handler = h;
      h = nullptr;
      handler->deferred_ = false;
      handler->on_ready(0);
    }
  }
  running_.clear();
  return !deferred_.empty();
}

void PlainLoop::pump() {
  for (int round = 0; round < kRoundsPerPump && !stopped_; ++round) {
    const int n = ::epoll_wait(epoll_fd_, events_, static_cast<int>(std::size(events_)), 0);
    if (n < 0 && errno != EINTR) {
      break;  // cannot happen with a valid descriptor; the re-armed wait tries again
    }
    for (int i = 0; i < n; ++i) {
      static_cast<Handler*>(events_[i].data.ptr)->on_ready(events_[i].events);
    }
    const bool more = run_deferred();
    if (n < static_cast<int>(std::size(events_)) && !more) {
      arm();
      return;
    }
  }
  if (stopped_) {
    return;
  }
  // Still busy after kRoundsPerPump rounds: let the worker's other handlers run first.
  asio::post(watch_.get_executor(), [this] {
    if (!stopped_) {
      pump();
    }
  });
}

}  // namespace tsna
