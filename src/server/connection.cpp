// connection.cpp - the session coroutine (STYLE 7.2): wait for readability, read what is there
// into the loop's shared buffer, let the Session decide, write all replies in one go.
#include "server/connection.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

namespace tsna {
namespace {

constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);
// An output buffer grown past this by one big burst is released after it is written, so an
// idle connection keeps only a small one (STYLE 8).
constexpr std::size_t kKeepOutputCapacity = 4096;

// Writes all of `out`; false when the peer is gone or the write was cancelled.
asio::awaitable<bool> flush(asio::ip::tcp::socket& socket, std::string& out, LiveConnection& live) {
  if (out.empty()) {
    co_return true;
  }
  live.waiting = true;
  auto [ec, n] = co_await asio::async_write(socket, asio::buffer(out), kNoThrow);
  live.waiting = false;
  if (ec || live.deadline_hit) {
    co_return false;
  }
  if (out.capacity() > kKeepOutputCapacity) {
    std::string().swap(out);
  } else {
    out.clear();
  }
  co_return true;
}

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

asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, WorkerState& worker,
                                       ConnectionServices services) {
  struct Release {
    std::atomic<std::size_t>* counter;
    ~Release() { counter->fetch_sub(1, std::memory_order_relaxed); }
  } release{services.open_connections};

  std::error_code ec;
  const asio::ip::tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) {
    co_return;
  }
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  socket.non_blocking(true, ec);

  const SessionContext& ctx = *services.session_context;
  Session session(ctx, format_peer(remote));
  LiveConnection live;
  live.socket = &socket;
  live.session = &session;
  worker.connections.push_back(&live);
  struct Unlink {
    ConnectionList& list;
    LiveConnection* live;
    ~Unlink() { list.remove(live); }
  } unlink{worker.connections, &live};

  session.start();
  bool open = true;
  while (open) {
    switch (session.want()) {
      case Want::kRead: {
        if (!co_await flush(socket, session.output(), live) || worker.stopping) {
          open = false;
          break;
        }
        live.waiting = true;
        auto [wait_ec] = co_await socket.async_wait(asio::socket_base::wait_read, kNoThrow);
        live.waiting = false;
        if (live.deadline_hit) {
          live.deadline_hit = false;
          session.on_deadline(ctx.clock->now());
          break;
        }
        if (wait_ec || worker.stopping) {
          open = false;
          break;
        }
        std::vector<char>& buf = worker.read_buffer;
        const std::size_t n = socket.read_some(asio::buffer(buf), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
          break;
        }
        if (ec) {
          open = false;  // end of stream or reset: a normal end
          break;
        }
        session.on_read(std::string_view(buf.data(), n), n == buf.size());
        break;
      }
      case Want::kStore:
        session.on_store_done(
            co_await services.store->async_run(session.store_request(), asio::use_awaitable));
        break;
      case Want::kFlush:
        if (!co_await flush(socket, session.output(), live)) {
          open = false;
          break;
        }
        session.on_flushed();
        break;
      case Want::kClose:
        co_await flush(socket, session.output(), live);
        open = false;
        break;
    }
  }
  socket.shutdown(asio::socket_base::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace tsna
