// connection.cpp - the session coroutine (STYLE 7.2): wait for input, let the Session decide,
// write all replies in one go. Two transports share the loop: plain TCP waits for readability
// and reads into its loop's shared buffer (an idle connection holds no read buffer); TLS reads
// through OpenSSL into a buffer of its own.
#include "server/connection.hpp"

#include <openssl/ssl.h>

#include <asio/experimental/as_tuple.hpp>
#include <asio/read.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

namespace tsna {
namespace {

using asio::ip::tcp;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);
// An output buffer grown past this by one big burst is released after it is written, so an
// idle connection keeps only a small one (STYLE 8).
constexpr std::size_t kKeepOutputCapacity = 4096;
// Per-connection read buffer under TLS (OpenSSL hands out at most one record per read anyway).
constexpr std::size_t kTlsReadBytes = 4096;

struct ReadResult {
  enum class Status { kData, kRetry, kDeadline, kEnd };
  Status status = Status::kEnd;
  std::string_view bytes;
  bool full = false;
};

// Runs a socket operation as "waiting", so the deadline sweep and stop() may cancel it.
struct WaitScope {
  explicit WaitScope(LiveConnection& l) : live(l) { live.waiting = true; }
  ~WaitScope() { live.waiting = false; }
  LiveConnection& live;
};

class PlainTransport {
 public:
  PlainTransport(tcp::socket& socket, std::vector<char>& loop_buffer)
      : socket_(socket), buffer_(loop_buffer) {}

  asio::awaitable<ReadResult> read(LiveConnection& live) {
    std::error_code ec;
    {
      WaitScope w(live);
      auto [wait_ec] = co_await socket_.async_wait(asio::socket_base::wait_read, kNoThrow);
      ec = wait_ec;
    }
    if (live.deadline_hit) {
      co_return ReadResult{ReadResult::Status::kDeadline, {}, false};
    }
    if (ec) {
      co_return ReadResult{};
    }
    const std::size_t n = socket_.read_some(asio::buffer(buffer_), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      co_return ReadResult{ReadResult::Status::kRetry, {}, false};
    }
    if (ec) {
      co_return ReadResult{};  // end of stream or reset: a normal end
    }
    co_return ReadResult{ReadResult::Status::kData, std::string_view(buffer_.data(), n),
                         n == buffer_.size()};
  }

  asio::awaitable<std::error_code> write(std::string_view out, LiveConnection& live) {
    WaitScope w(live);
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(out), kNoThrow);
    co_return ec;
  }

  asio::awaitable<void> close(LiveConnection&) {
    std::error_code ec;
    socket_.shutdown(asio::socket_base::shutdown_both, ec);
    socket_.close(ec);
    co_return;
  }

 private:
  tcp::socket& socket_;
  std::vector<char>& buffer_;
};

class TlsTransport {
 public:
  explicit TlsTransport(asio::ssl::stream<tcp::socket>& stream) : stream_(stream) {}

  asio::awaitable<ReadResult> read(LiveConnection& live) {
    std::error_code ec;
    std::size_t n = 0;
    {
      WaitScope w(live);
      auto [read_ec, got] = co_await stream_.async_read_some(asio::buffer(buffer_), kNoThrow);
      ec = read_ec;
      n = got;
    }
    if (live.deadline_hit) {
      co_return ReadResult{ReadResult::Status::kDeadline, {}, false};
    }
    if (ec) {
      co_return ReadResult{};
    }
    co_return ReadResult{ReadResult::Status::kData, std::string_view(buffer_.data(), n),
                         n == buffer_.size()};
  }

  asio::awaitable<std::error_code> write(std::string_view out, LiveConnection& live) {
    WaitScope w(live);
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(out), kNoThrow);
    co_return ec;
  }

  asio::awaitable<void> close(LiveConnection& live) {
    if (!live.deadline_hit) {
      WaitScope w(live);
      co_await stream_.async_shutdown(kNoThrow);  // close_notify; bounded by the deadline sweep
    }
    std::error_code ec;
    stream_.next_layer().close(ec);
  }

 private:
  asio::ssl::stream<tcp::socket>& stream_;
  std::array<char, kTlsReadBytes> buffer_{};
};

// Writes all of `out`; false when the peer is gone or the write was cancelled.
template <typename Transport>
asio::awaitable<bool> flush(Transport& transport, std::string& out, LiveConnection& live) {
  if (out.empty()) {
    co_return true;
  }
  const std::error_code ec = co_await transport.write(out, live);
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

// The loop every connection runs: the Session decides, the transport moves bytes.
template <typename Transport>
asio::awaitable<void> run_session(Transport& transport, Session& session, LiveConnection& live,
                                  const WorkerState& worker, const ConnectionServices& services) {
  const SessionContext& ctx = *services.session_context;
  session.start();
  for (;;) {
    switch (session.want()) {
      case Want::kRead: {
        if (!co_await flush(transport, session.output(), live) || worker.stopping) {
          co_return;
        }
        const ReadResult r = co_await transport.read(live);
        switch (r.status) {
          case ReadResult::Status::kData:
            session.on_read(r.bytes, r.full);
            break;
          case ReadResult::Status::kDeadline:
            live.deadline_hit = false;
            session.on_deadline(ctx.clock->now());
            break;
          case ReadResult::Status::kRetry:
            break;
          case ReadResult::Status::kEnd:
            co_return;
        }
        break;
      }
      case Want::kStore:
        session.on_store_done(
            co_await services.store->async_run(session.store_request(), asio::use_awaitable));
        break;
      case Want::kFlush:
        if (!co_await flush(transport, session.output(), live)) {
          co_return;
        }
        session.on_flushed();
        break;
      case Want::kClose:
        co_await flush(transport, session.output(), live);
        co_return;
    }
  }
}

// RFC 9266 tls-exporter: 32 bytes, label "EXPORTER-Channel-Binding", no context.
bool channel_binding(SSL* ssl, std::array<std::uint8_t, 32>& out) {
  static constexpr char kLabel[] = "EXPORTER-Channel-Binding";
  return SSL_export_keying_material(ssl, out.data(), out.size(), kLabel, sizeof kLabel - 1, nullptr,
                                    0, 0) == 1;
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

asio::awaitable<void> serve_connection(tcp::socket socket, WorkerState& worker,
                                       ConnectionServices services, asio::ssl::context* tls) {
  struct Release {
    std::atomic<std::size_t>* counter;
    ~Release() { counter->fetch_sub(1, std::memory_order_relaxed); }
  } release{services.open_connections};

  std::error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) {
    co_return;
  }
  socket.set_option(tcp::no_delay(true), ec);

  Session session(*services.session_context, format_peer(remote));
  LiveConnection live;
  live.session = &session;
  struct Unlink {
    ConnectionList& list;
    LiveConnection* live;
    ~Unlink() { list.remove(live); }
  };

  if (tls == nullptr) {
    socket.non_blocking(true, ec);
    live.socket = &socket;
    worker.connections.push_back(&live);
    Unlink unlink{worker.connections, &live};
    PlainTransport transport(socket, worker.read_buffer);
    co_await run_session(transport, session, live, worker, services);
    co_await transport.close(live);
    co_return;
  }

  asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls);
  live.socket = &stream.next_layer();
  worker.connections.push_back(&live);
  Unlink unlink{worker.connections, &live};
  TlsTransport transport(stream);
  {
    WaitScope w(live);  // a stalled handshake meets the idle timeout like any other wait
    auto [hs_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kNoThrow);
    ec = hs_ec;
  }
  std::array<std::uint8_t, 32> binding{};
  if (ec || live.deadline_hit || !channel_binding(stream.native_handle(), binding)) {
    std::error_code ignored;
    stream.next_layer().close(ignored);
    co_return;
  }
  session.set_channel_binding(binding);
  co_await run_session(transport, session, live, worker, services);
  co_await transport.close(live);
}

}  // namespace tsna
