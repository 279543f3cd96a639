// plain_loop.hpp - a worker's own epoll set for its plain TCP connections: each socket is
// registered once, edge-triggered, so a read or a write costs no epoll_ctl (Asio re-arms a
// descriptor on every wait). The set is pumped from the worker's Asio loop. Linux only; knows
// nothing of sessions.
#pragma once

#include <sys/epoll.h>

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <vector>

namespace tsna {

class PlainLoop {
 public:
  // A registered socket's owner; called on the worker's thread.
  class Handler {
   public:
    // `events` is epoll's mask (EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLHUP, EPOLLERR), or 0 when
    // the handler asked to run again (defer()).
    virtual void on_ready(std::uint32_t events) = 0;

   protected:
    ~Handler() = default;

   private:
    friend class PlainLoop;
    bool deferred_ = false;
  };

  explicit PlainLoop(asio::io_context& io);  // throws std::system_error without epoll
  ~PlainLoop();
  PlainLoop(const PlainLoop&) = delete;
  PlainLoop& operator=(const PlainLoop&) = delete;

  // Watches `fd` for input, output space and hang-up, edge-triggered, for as long as it is open
  // (closing it ends the registration). False (errno set) when epoll refuses it.
  bool add(int fd, Handler* handler);
  // Watches `fd` level-triggered instead, for input and, while `write`, for output space: for a
  // descriptor whose reader may leave bytes unread (a library with its own buffer, such as
  // libpq). add_level() registers it; set_level() changes `write`; remove() ends the watch.
  // False (errno set) when epoll refuses.
  bool add_level(int fd, Handler* handler, bool write);
  bool set_level(int fd, Handler* handler, bool write);
  void remove(int fd);
  // Runs `handler` again (on_ready(0)) soon, after the events already waiting: for a handler
  // that stopped reading before the socket was empty, so that one busy peer cannot starve the
  // others. Edge-triggered sockets report no new edge for bytes already there.
  void defer(Handler* handler);
  // A handler that is going away: drops its pending defer(), if any.
  void forget(Handler* handler);

  // Starts pumping events. Call once, on the worker's thread.
  void start();
  // Stops pumping: the worker's Asio loop may then run out of work. Idempotent.
  void stop();

 private:
  void arm();
  void pump();
  bool run_deferred();

  asio::posix::stream_descriptor watch_;  // the epoll descriptor, as Asio sees it
  int epoll_fd_ = -1;
  bool stopped_ = false;
  std::vector<Handler*> deferred_;
  std::vector<Handler*> running_;  // the deferred handlers being run
  epoll_event events_[128];
};

}  // namespace tsna
