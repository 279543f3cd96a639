// metrics_http.hpp - the --metrics endpoint: a small HTTP/1.x responder for GET /metrics
// (Prometheus text) and GET /health (for a load balancer's check), on a thread and io_context
// of its own so that a scraper never touches a TSNA event loop. Knows nothing of the counters:
// it serves what its callbacks return.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/server_options.hpp"

namespace tsna {

// "ADDR:PORT", "[IPv6]:PORT", or a bare "PORT" (then 127.0.0.1). Nullopt when it is not one
// (the address is checked when it is bound).
std::optional<ListenAddress> parse_listen_address(std::string_view text);

struct MetricsEndpoints {
  std::function<std::string()> metrics;  // the body of GET /metrics; called on the HTTP thread
  std::function<bool()> healthy;         // GET /health: 200 "ok" when true, else 503
};

class MetricsHttpServer {
 public:
  // Binds `at` (throws std::runtime_error naming it when it cannot); serves once start()ed.
  MetricsHttpServer(const ListenAddress& at, MetricsEndpoints endpoints);
  ~MetricsHttpServer();  // stop()
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  // The bound port (the real one when `at.port` was 0).
  std::uint16_t port() const;

  // Starts the thread that serves. Call once.
  void start();
  // Closes the listener and every request, and joins the thread. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tsna
