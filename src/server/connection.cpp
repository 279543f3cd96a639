// connection.cpp - the plain-TCP connection driver. Callback driven rather than a coroutine so
// that an idle connection is one small object and one pending wait (STYLE 6.1): it waits for
// readability, reads what is there into its loop's shared buffer, lets the Session decide, and
// writes all replies in one go.
#include "server/connection.hpp"

#include <asio/bind_executor.hpp>
#include <asio/write.hpp>
#include <cstdio>
#include <exception>

namespace tsna {
namespace {

class PlainConnection {
 public:
  PlainConnection(LoopSocket socket, WorkerState& worker, const ConnectionServices& services,
                  std::string_view peer)
      : socket_(std::move(socket)),
        session_(*services.session_context, peer),
        worker_(worker),
        services_(services) {
    live_.socket = &socket_;
    live_.session = &session_;
    worker_.connections.push_back(&live_);
  }

  void start() {
    guarded([this] {
      session_.start();
      step();
    });
  }

 private:
  enum class AfterWrite { kStep, kClose };

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

  // Does what the session wants next. Exactly one operation is outstanding afterwards, or the
  // connection is gone.
  void step() {
    switch (session_.want()) {
      case Want::kRead:
        if (!session_.output().empty()) {
          write(AfterWrite::kStep);
        } else if (worker_.stopping) {
          finish();
        } else {
          wait_readable();
        }
        return;
      case Want::kStore:
        services_.store->async_run(
            session_.store_request(),
            asio::bind_executor(socket_.get_executor(), [this](StoreResult result) {
              guarded([this, result = std::move(result)]() mutable {
                session_.on_store_done(std::move(result));
                step();
              });
            }));
        return;
      case Want::kFlush:
        write(AfterWrite::kStep);
        return;
      case Want::kClose:
        if (session_.output().empty()) {
          finish();
        } else {
          write(AfterWrite::kClose);
        }
        return;
    }
  }

  void wait_readable() {
    live_.waiting = true;
    socket_.async_wait(asio::socket_base::wait_read, [this](std::error_code ec) {
      live_.waiting = false;
      guarded([this, ec] { on_readable(ec); });
    });
  }

  void on_readable(std::error_code ec) {
    if (live_.deadline_hit) {
      live_.deadline_hit = false;
      session_.on_deadline(services_.session_context->clock->now());
      step();
      return;
    }
    if (ec || worker_.stopping) {
      finish();
      return;
    }
    std::vector<char>& buf = worker_.read_buffer;
    const std::size_t n = socket_.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      wait_readable();
      return;
    }
    if (ec) {
      finish();  // end of stream or reset: a normal end
      return;
    }
    session_.on_read(std::string_view(buf.data(), n), n == buf.size());
    step();
  }

  void write(AfterWrite after) {
    live_.waiting = true;
    asio::async_write(socket_, asio::buffer(session_.output()),
                      [this, after](std::error_code ec, std::size_t) {
                        live_.waiting = false;
                        guarded([this, ec, after] { on_written(ec, after); });
                      });
  }

  void on_written(std::error_code ec, AfterWrite after) {
    if (ec || live_.deadline_hit || after == AfterWrite::kClose) {
      finish();
      return;
    }
    session_.on_output_sent();
    step();
  }

  void finish() {
    worker_.connections.remove(&live_);
    std::error_code ec;
    socket_.shutdown(asio::socket_base::shutdown_both, ec);
    socket_.close(ec);
    services_.open_connections->fetch_sub(1, std::memory_order_relaxed);
    delete this;
  }

  LoopSocket socket_;
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

void serve_plain_connection(LoopSocket socket, WorkerState& worker,
                            const ConnectionServices& services) {
  std::error_code ec;
  const asio::ip::tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) {
    services.open_connections->fetch_sub(1, std::memory_order_relaxed);
    return;
  }
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  socket.non_blocking(true, ec);
  const std::string peer = format_peer(remote);
  (new PlainConnection(std::move(socket), worker, services, peer))->start();
}

}  // namespace tsna
