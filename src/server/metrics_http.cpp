// metrics_http.cpp - the --metrics HTTP/1.x responder (metrics_http.hpp): one request per
// connection, read up to a size cap and within a time limit, answered, then the connection is
// closed. GET only; /metrics and /health, 404 for other paths, 400 for what is not HTTP.
#include "server/metrics_http.hpp"

#include <array>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "metrics/exposition.hpp"

namespace tsna {
namespace {

using asio::ip::tcp;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

// A request (line and headers) longer than this is refused: a scraper's is a few hundred bytes.
constexpr std::size_t kMaxRequestBytes = 8192;
// What a lingering close reads and discards at most after the response.
constexpr std::size_t kMaxDrainBytes = 64 * 1024;
// The whole exchange (request in, response out) must be done within this.
constexpr auto kRequestTimeout = std::chrono::seconds(10);
// Requests served at once; a connection past them is closed unanswered.
constexpr int kMaxClients = 16;
// Pause after a failed accept (EMFILE...) instead of spinning.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";

struct Response {
  std::string_view status;  // "200 OK"
  std::string_view content_type;
  std::string body;
};

std::string format_response(const Response& r, std::string_view extra_headers = {}) {
  std::string out("HTTP/1.1 ");
  out.append(r.status).append("\r\nContent-Type: ").append(r.content_type);
  out.append("\r\nContent-Length: ").append(std::to_string(r.body.size()));
  out.append("\r\nConnection: close\r\n").append(extra_headers).append("\r\n");
  out.append(r.body);
  return out;
}

// One connection: its socket and the timer that closes it when the exchange takes too long.
struct Client {
  explicit Client(tcp::socket s) : socket(std::move(s)), deadline(socket.get_executor()) {}
  tcp::socket socket;
  asio::steady_timer deadline;
};

}  // namespace

std::optional<ListenAddress> parse_listen_address(std::string_view text) {
  std::string_view host = "127.0.0.1";
  std::string_view port = text;
  if (const std::size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
      return std::nullopt;  // an IPv6 address must be in brackets
    }
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (host.empty() || port.empty() || ec != std::errc() || end != port.data() + port.size() ||
      value > 65535) {
    return std::nullopt;
  }
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(value)};
}

struct MetricsHttpServer::Impl {
  MetricsEndpoints endpoints;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
  int clients = 0;  // touched on `thread` only

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(std::shared_ptr<Client> client);
  Response answer(std::string_view request) const;
};

asio::awaitable<void> MetricsHttpServer::Impl::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
      co_return;
    }
    if (ec) {
      std::fprintf(stderr, "tsna-server: metrics: accept failed: %s\n", ec.message().c_str());
      asio::steady_timer pause(io, kAcceptBackoff);
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    if (clients >= kMaxClients) {
      continue;  // `socket` closes here
    }
    ++clients;
    asio::co_spawn(io, serve(std::make_shared<Client>(std::move(socket))), asio::detached);
  }
}

asio::awaitable<void> MetricsHttpServer::Impl::serve(std::shared_ptr<Client> client) {
  struct Release {
    int& clients;
    ~Release() { --clients; }
  } release{clients};
  client->deadline.expires_after(kRequestTimeout);
  client->deadline.async_wait([client](std::error_code ec) {
    if (!ec) {
      client->socket.close(ec);  // ends the read or write in flight
    }
  });
  std::string request;
  auto [read_ec, n] = co_await asio::async_read_until(
      client->socket, asio::dynamic_buffer(request, kMaxRequestBytes), "\r\n\r\n", kNoThrow);
  std::string response;
  if (!read_ec) {
    response = format_response(answer(std::string_view(request).substr(0, n)));
  } else if (read_ec == asio::error::not_found) {
    response =
        format_response({"431 Request Header Fields Too Large", kTextPlain, "request too large\n"});
  }
  if (!response.empty()) {
    auto [write_ec, written] =
        co_await asio::async_write(client->socket, asio::buffer(response), kNoThrow);
    if (!write_ec) {
      // A lingering close: end our side, then read what the client still sends (a request over
      // the cap) until it closes, so that closing does not reset the connection and take the
      // response with it. Bounded by the deadline and kMaxDrainBytes.
      std::error_code ec;
      client->socket.shutdown(tcp::socket::shutdown_send, ec);
      std::array<char, 4096> scratch;
      for (std::size_t drained = 0; !ec && drained < kMaxDrainBytes;) {
        auto [read_more_ec, got] =
            co_await client->socket.async_read_some(asio::buffer(scratch), kNoThrow);
        ec = read_more_ec;
        drained += got;
      }
    }
  }
  std::error_code ignored;
  client->socket.close(ignored);
  client->deadline.cancel();
}

Response MetricsHttpServer::Impl::answer(std::string_view request) const {
  // The request line: METHOD SP TARGET SP HTTP/1.x; the headers are not needed.
  const std::string_view line = request.substr(0, request.find("\r\n"));
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || !line.substr(sp2 + 1).starts_with("HTTP/1.") ||
      line.substr(sp2 + 1).size() != 8) {
    return {"400 Bad Request", kTextPlain, "bad request\n"};
  }
  const std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  target = target.substr(0, target.find('?'));
  if (target != "/metrics" && target != "/health") {
    return {"404 Not Found", kTextPlain, "not found\n"};
  }
  if (method != "GET") {
    return {"405 Method Not Allowed", kTextPlain, "only GET\n"};
  }
  if (target == "/health") {
    if (endpoints.healthy()) {
      return {"200 OK", kTextPlain, "ok\n"};
    }
    return {"503 Service Unavailable", kTextPlain, "store unavailable\n"};
  }
  return {"200 OK", metrics::kExpositionContentType, endpoints.metrics()};
}

MetricsHttpServer::MetricsHttpServer(const ListenAddress& at, MetricsEndpoints endpoints)
    : impl_(std::make_unique<Impl>()) {
  impl_->endpoints = std::move(endpoints);
  try {
    const tcp::endpoint endpoint(asio::ip::make_address(at.host), at.port);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen();
  } catch (const std::system_error& e) {
    throw std::runtime_error("--metrics " + at.host + ":" + std::to_string(at.port) + ": " +
                             e.what());
  }
}

MetricsHttpServer::~MetricsHttpServer() {
  stop();
}

std::uint16_t MetricsHttpServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void MetricsHttpServer::start() {
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

void MetricsHttpServer::stop() {
  impl_->io.stop();
  if (impl_->thread.joinable()) {
    impl_->thread.join();
  }
}

}  // namespace tsna
