// tls_connection.cpp - TLS connections: an OpenSSL stream per connection with a read buffer
// of its own (OpenSSL decrypts into it), driven by a coroutine. A TLS connection costs more
// than a plain one (OpenSSL's state dominates), so it need not be as frugal.
#include "server/tls_connection.hpp"

// GCC 12 with optimisation and -fsanitize=address reports a false -Wmismatched-new-delete inside
// asio's coroutine frame allocator (awaitable_frame_base::operator new/delete are a matched pair).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <chrono>

namespace tsna {
namespace {

using asio::ip::tcp;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);
constexpr std::size_t kTlsReadBytes = 4096;
// How long a closing connection waits for its close_notify to go out and the peer's to come
// back. The deadline sweep bounds it while the server runs, but not after stop(): without this a
// TLS peer that never answers would hold the shutdown for as long as it stays connected.
constexpr auto kCloseNotifyGrace = std::chrono::seconds(1);

// Marks a socket operation as "waiting", so the deadline sweep and stop() may cancel it.
struct WaitScope {
  explicit WaitScope(LiveConnection& l) : live(l) { live.waiting = true; }
  ~WaitScope() { live.waiting = false; }
  LiveConnection& live;
};

// RFC 9266 tls-exporter: 32 bytes, label "EXPORTER-Channel-Binding", no context.
bool channel_binding(SSL* ssl, std::array<std::uint8_t, 32>& out) {
  static constexpr char kLabel[] = "EXPORTER-Channel-Binding";
  return SSL_export_keying_material(ssl, out.data(), out.size(), kLabel, sizeof kLabel - 1, nullptr,
                                    0, 0) == 1;
}

using TlsStream = asio::ssl::stream<LoopSocket>;

// Writes all of the session's output; false when the peer is gone or the write was cancelled.
asio::awaitable<bool> flush(TlsStream& stream, Session& session, LiveConnection& live) {
  const std::string& out = session.output();
  if (out.empty()) {
    co_return true;
  }
  std::error_code ec;
  {
    WaitScope w(live);
    auto [write_ec, n] = co_await asio::async_write(stream, asio::buffer(out), kNoThrow);
    ec = write_ec;
  }
  if (ec || live.deadline_hit) {
    co_return false;
  }
  session.on_output_sent();
  co_return true;
}

asio::awaitable<void> run_session(TlsStream& stream, Session& session, LiveConnection& live,
                                  const WorkerState& worker, const ConnectionServices& services) {
  std::vector<char> buffer(kTlsReadBytes);
  session.start();
  for (;;) {
    switch (session.want()) {
      case Want::kRead: {
        if (!co_await flush(stream, session, live) || worker.stopping) {
          co_return;
        }
        std::error_code ec;
        std::size_t n = 0;
        {
          WaitScope w(live);
          auto [read_ec, got] = co_await stream.async_read_some(asio::buffer(buffer), kNoThrow);
          ec = read_ec;
          n = got;
        }
        if (live.deadline_hit) {
          live.deadline_hit = false;
          session.on_deadline(services.session_context->clock->now());
          break;
        }
        if (ec) {
          co_return;
        }
        session.on_read(std::string_view(buffer.data(), n), n == buffer.size());
        break;
      }
      case Want::kStore:
        session.on_store_done(
            co_await services.store->async_run(session.store_request(), asio::use_awaitable));
        break;
      case Want::kFlush:
        if (!co_await flush(stream, session, live)) {
          co_return;
        }
        break;
      case Want::kClose:
        co_await flush(stream, session, live);
        co_return;
    }
  }
}

// Reads the PROXY header a peer listed in --proxy-protocol-from sends before its TLS handshake
// (proxy_intake.hpp); its source becomes the session's peer. False: close the connection.
asio::awaitable<bool> read_proxy_header(LoopSocket& socket, Session& session, LiveConnection& live,
                                        const WorkerState& worker,
                                        const ConnectionServices& services,
                                        const std::string& socket_peer) {
  const SessionContext& ctx = *services.session_context;
  live.header_deadline = ctx.clock->now() + std::min<SteadyTime::duration>(services.proxy->timeout,
                                                                           ctx.limits.idle_timeout);
  for (;;) {
    // Asio watches the socket edge-triggered: a wait ends when new bytes come, so the socket is
    // peeked at first and after each wait, never waited on with bytes unseen.
    const ProxyIntake got = take_proxy_header(socket.native_handle(), false);
    if (got.status == ProxyIntake::Status::kDone) {
      live.header_deadline.reset();
      if (got.peer) {
        session.set_peer(*got.peer);
      }
      co_return true;
    }
    if (got.status == ProxyIntake::Status::kRefused) {
      if (!got.why.empty()) {
        log_proxy_refusal(socket_peer, got.why);
      }
      co_return false;
    }
    std::error_code ec;
    {
      WaitScope w(live);
      auto [wait_ec] = co_await socket.async_wait(tcp::socket::wait_read, kNoThrow);
      ec = wait_ec;
    }
    if (live.deadline_hit) {
      log_proxy_refusal(socket_peer, "no PROXY header in time");
      co_return false;
    }
    if (ec || worker.stopping) {
      co_return false;
    }
  }
}

}  // namespace

asio::awaitable<void> serve_tls_connection(LoopSocket socket, WorkerState& worker,
                                           const ConnectionServices& services,
                                           std::shared_ptr<asio::ssl::context> tls) {
  struct Release {
    const ConnectionServices& services;
    ~Release() { services.connection_ended(metrics::PortKind::kTls); }
  } release{services};

  std::error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) {
    co_return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  TlsStream stream(std::move(socket), *tls);
  Session session(*services.session_context, format_peer(remote));
  LiveConnection live;
  live.session = &session;
  live.target = &stream.next_layer();
  live.interrupt = [](void* socket) {
    std::error_code ignored;
    static_cast<LoopSocket*>(socket)->cancel(ignored);  // the pending operation ends
  };
  worker.connections.push_back(&live);
  struct Unlink {
    ConnectionList& list;
    LiveConnection* live;
    ~Unlink() { list.remove(live); }
  } unlink{worker.connections, &live};

  if (services.proxy->trusted.contains(remote.address()) &&
      !co_await read_proxy_header(stream.next_layer(), session, live, worker, services,
                                  format_peer(remote))) {
    stream.next_layer().close(ec);
    co_return;
  }
  {
    WaitScope w(live);  // a stalled handshake meets the idle timeout like any other wait
    auto [hs_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kNoThrow);
    ec = hs_ec;
  }
  std::array<std::uint8_t, 32> binding{};
  if (!ec && !live.deadline_hit && channel_binding(stream.native_handle(), binding)) {
    session.set_channel_binding(binding);
    co_await run_session(stream, session, live, worker, services);
    if (!live.deadline_hit) {
      WaitScope w(live);
      asio::steady_timer grace(stream.get_executor(), kCloseNotifyGrace);
      grace.async_wait([&socket = stream.next_layer()](std::error_code timer_ec) {
        if (!timer_ec) {
          std::error_code ignored;
          socket.cancel(ignored);  // ends the shutdown below; `grace` outlives it otherwise
        }
      });
      co_await stream.async_shutdown(kNoThrow);
      grace.cancel();
    }
  }
  stream.next_layer().close(ec);
}

}  // namespace tsna
