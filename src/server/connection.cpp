// connection.cpp - the plain-TCP connection driver. Driven by its loop's epoll set rather than
// by Asio operations, so that an idle connection is one small object and a registration made
// once (STYLE 6.1): on readiness it reads what is there into its loop's shared buffer, lets the
// Session decide, and writes all replies in one send().
#include "server/connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <asio/bind_executor.hpp>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <optional>

namespace tsna {
namespace {

// Reads in a row from one connection before it lets the loop's other connections go first.
constexpr int kReadsPerTurn = 4;

class PlainConnection final : public PlainLoop::Handler {
 public:
  PlainConnection(int fd, WorkerState& worker, const ConnectionServices& services,
                  std::string_view peer, bool proxy_header)
      : fd_(fd),
        proxy_header_(proxy_header),
        session_(*services.session_context, peer),
        worker_(worker),
        services_(services) {
    live_.interrupt = [](void* self) { static_cast<PlainConnection*>(self)->on_interrupt(); };
    live_.target = this;
    live_.session = &session_;
    worker_.connections.push_back(&live_);
    ++worker_.plain_connections;
  }

  // Registers the socket and sends the greeting (or ends at once when epoll refuses it). A
  // peer that must send a PROXY header gets the greeting once the header is read.
  void start() {
    if (!worker_.plain.add(fd_, this)) {
      finish();
      return;
    }
    if (proxy_header_) {
      const SessionContext& ctx = *services_.session_context;
      live_.header_deadline =
          ctx.clock->now() +
          std::min<SteadyTime::duration>(services_.proxy->timeout, ctx.limits.idle_timeout);
      guarded([this] {
        begin_turn();
        take_header();
      });
      return;
    }
    start_session();
  }

  void on_ready(std::uint32_t events) override {
    if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
      readable_ = true;
    }
    if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
      peer_closed_ = true;  // no edge will come again: read until the end is seen
    }
    if ((events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0) {
      writable_ = true;
    }
    if (events == 0) {
      readable_ = true;  // a deferred turn: the last read filled the buffer
    }
    guarded([this] {
      if (state_ == State::kHeader && readable_) {
        begin_turn();
        take_header();
      } else if (state_ == State::kReading && readable_) {
        read_and_step();
      } else if (state_ == State::kWriting && writable_) {
        resume_writing();
      }
    });
  }

 private:
  enum class State : std::uint8_t {
    kHeader,   // waiting for the rest of a PROXY header
    kReading,  // waiting for input (or about to read it)
    kWriting,  // output() only partly sent: waiting for room in the socket
    kStore,    // waiting for the store thread
    kBusy,     // in the middle of a step
  };

  // Runs `f`; an exception from the session layer ends this connection, never the loop.
  template <typename F>
  void guarded(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      log_connection_error(e.what());
      finish();
    }
  }

  void start_session() {
    guarded([this] {
      session_.start();
      step();
    });
  }

  // Tries to read the PROXY header; starts the session once it is read.
  void take_header() {
    const ProxyIntake got = take_proxy_header(fd_, peer_closed_);
    switch (got.status) {
      case ProxyIntake::Status::kNeedMore:
        readable_ = false;  // everything there was peeked: the next bytes raise a new edge
        wait(State::kHeader);
        return;
      case ProxyIntake::Status::kRefused:
        if (!got.why.empty()) {
          log_proxy_refusal(session_.peer(), got.why);
        }
        finish();
        return;
      case ProxyIntake::Status::kDone:
        live_.header_deadline.reset();
        if (got.peer) {
          session_.set_peer(*got.peer);
        }
        readable_ = true;  // the stream's first bytes may have come with the header
        start_session();
        return;
    }
  }

  void resume_after_store(StoreResult result) {
    guarded([this, result = std::move(result)]() mutable {
      begin_turn();
      session_.on_store_done(std::move(result));
      step();
    });
  }

  // Does what the session wants next, until the connection has to wait (or is gone). The one
  // loop of the connection: nothing in it calls step() again, so a peer that keeps the socket
  // full cannot deepen the stack, and after kReadsPerTurn reads the others go first.
  void step() {
    for (;;) {
      switch (session_.want()) {
        case Want::kRead:
          if (!session_.output().empty()) {
            if (send_output(AfterWrite::kStep) != Sent::kAll) {
              return;
            }
            continue;
          }
          if (worker_.stopping) {
            finish();
            return;
          }
          if (!readable_) {
            wait(State::kReading);
            return;
          }
          if (++reads_this_turn_ > kReadsPerTurn) {
            wait(State::kReading);
            worker_.plain.defer(this);
            return;
          }
          if (!read_once()) {
            return;
          }
          continue;
        case Want::kStore:
          // A lookup or a count the store answers from memory (a login's verifier, its
          // throttle count) is done here and now: no handler posted, no extra loop turn.
          if (std::optional<StoreResult> now =
                  services_.store->run_if_immediate(session_.store_request())) {
            session_.on_store_done(std::move(*now));
            continue;
          }
          state_ = State::kStore;
          live_.waiting = false;
          if (worker_.lookup != nullptr) {
            // A login's lookup on the shared store is asked by the loop itself.
            worker_.lookup->run(session_.store_request(), [this](StoreResult result) {
              resume_after_store(std::move(result));
            });
          } else {
            services_.store->async_run(
                session_.store_request(),
                asio::bind_executor(worker_.io.get_executor(), [this](StoreResult result) {
                  resume_after_store(std::move(result));
                }));
          }
          return;
        case Want::kFlush:
          if (send_output(AfterWrite::kStep) != Sent::kAll) {
            return;
          }
          continue;
        case Want::kClose:
          if (session_.output().empty()) {
            finish();
          } else {
            send_output(AfterWrite::kClose);
          }
          return;
      }
    }
  }

  // The connection runs again (an event, a store result, an interrupt).
  void begin_turn() {
    state_ = State::kBusy;
    live_.waiting = false;
    reads_this_turn_ = 0;
  }

  void read_and_step() {
    begin_turn();
    ++reads_this_turn_;
    if (read_once()) {
      step();
    }
  }

  // One read into the loop's buffer, fed to the session. False when the connection has to wait
  // (nothing there) or is gone.
  bool read_once() {
    std::vector<char>& buf = worker_.read_buffer;
    ssize_t n;
    do {
      n = ::recv(fd_, buf.data(), buf.size(), 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      readable_ = false;
      wait(State::kReading);
      return false;
    }
    if (n <= 0) {
      finish(/*peer_gone=*/true);  // end of stream or reset: a normal end
      return false;
    }
    const auto got = static_cast<std::size_t>(n);
    // A read that did not fill the buffer took everything there was: the next bytes to come
    // raise a new edge.
    readable_ = got == buf.size() || peer_closed_;
    session_.on_read(std::string_view(buf.data(), got), got == buf.size());
    return true;
  }

  enum class AfterWrite : std::uint8_t { kStep, kClose };
  enum class Sent : std::uint8_t {
    kAll,      // output() went out and the session was told (kStep)
    kWaiting,  // the socket is full: parked until epoll reports room
    kGone,     // the connection ended (an error, or kClose): `this` is deleted
  };

  // Sends what is left of output(). Does not call step(): the caller goes on after kAll.
  Sent send_output(AfterWrite after) {
    after_write_ = after;
    const std::string& out = session_.output();
    while (sent_ < out.size()) {
      const ssize_t n = ::send(fd_, out.data() + sent_, out.size() - sent_, MSG_NOSIGNAL);
      if (n > 0) {
        sent_ += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        writable_ = false;
        wait(State::kWriting);
        return Sent::kWaiting;
      } else {
        finish();
        return Sent::kGone;
      }
    }
    sent_ = 0;
    if (after == AfterWrite::kClose) {
      finish();
      return Sent::kGone;
    }
    session_.on_output_sent();
    return Sent::kAll;
  }

  // Room in the socket again: the rest of output(), then on as before.
  void resume_writing() {
    begin_turn();
    if (send_output(after_write_) == Sent::kAll) {
      step();
    }
  }

  void wait(State state) {
    state_ = state;
    live_.waiting = true;
  }

  // The sweep (deadline passed) or stop() ends the wait this connection is parked in.
  void on_interrupt() {
    live_.waiting = false;
    guarded([this] {
      const bool deadline = live_.deadline_hit;
      live_.deadline_hit = false;
      if (deadline && state_ == State::kHeader) {
        log_proxy_refusal(session_.peer(), "no PROXY header in time");
      }
      if (!deadline || worker_.stopping || state_ != State::kReading) {
        finish();  // stopping, or a write stuck past the deadline
        return;
      }
      begin_turn();
      session_.on_deadline(services_.session_context->clock->now());
      step();
    });
  }

  // `peer_gone`: a read found the end of the stream or a reset, so there is nothing left to
  // shut down; close() alone ends the connection (one system call per connection fewer).
  void finish(bool peer_gone = false) {
    worker_.plain.forget(this);
    worker_.connections.remove(&live_);
    if (!peer_gone) {
      ::shutdown(fd_, SHUT_RDWR);
    }
    ::close(fd_);
    services_.connection_ended(metrics::PortKind::kPlain);
    --worker_.plain_connections;
    WorkerState& worker = worker_;
    delete this;
    if (worker.stopping && worker.plain_connections == 0) {
      worker.plain.stop();
    }
  }

  int fd_;
  bool proxy_header_;  // the peer must send a PROXY header first
  State state_ = State::kBusy;
  AfterWrite after_write_ = AfterWrite::kStep;  // what follows the output being written
  std::uint8_t reads_this_turn_ = 0;
  bool readable_ = false;     // input may be waiting (no read has found the socket empty since)
  bool writable_ = true;      // the last send was not refused for want of room
  bool peer_closed_ = false;  // epoll reported a hang-up or error: reads will say which
  std::size_t sent_ = 0;      // bytes of output() already sent
  Session session_;
  LiveConnection live_;
  WorkerState& worker_;
  const ConnectionServices& services_;
};

}  // namespace

void ConnectionList::push_back(LiveConnection* c) {
  c->prev = tail_;
  c->next = nullptr;
  if (tail_ != nullptr) {
    tail_->next = c;
  } else {
    head_ = c;
  }
  tail_ = c;
  ++size_;
}

void ConnectionList::remove(LiveConnection* c) {
  (c->prev != nullptr ? c->prev->next : head_) = c->next;
  (c->next != nullptr ? c->next->prev : tail_) = c->prev;
  c->prev = c->next = nullptr;
  --size_;
}

std::string format_peer(const asio::ip::tcp::endpoint& endpoint) {
  const asio::ip::address a = endpoint.address();
  std::string s;
  if (a.is_v6() && !a.to_v6().is_v4_mapped()) {
    s = "[" + a.to_string() + "]";
  } else if (a.is_v6()) {
    s = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string();
  } else {
    s = a.to_string();
  }
  s += ':';
  s += std::to_string(endpoint.port());
  return s;
}

void log_connection_error(const char* what) {
  std::fprintf(stderr, "tsna-server: connection ended by an error: %s\n", what);
}

void WorkerState::begin_stopping() {
  stopping = true;
  if (plain_connections == 0) {
    plain.stop();
  }
}

void serve_plain_connection(int fd, std::string_view peer, bool proxy_header, WorkerState& worker,
                            const ConnectionServices& services) {
  // TCP_NODELAY comes from the listening socket (server.cpp's listen_on): Linux copies it.
  PlainConnection* c = nullptr;
  try {
    c = new PlainConnection(fd, worker, services, peer, proxy_header);
  } catch (const std::exception& e) {
    ::close(fd);
    services.connection_ended(metrics::PortKind::kPlain);
    log_connection_error(e.what());
    return;
  }
  c->start();
}

}  // namespace tsna
