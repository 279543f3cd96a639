// server_options.hpp - what tsna-server is started with (SPEC 4.1). Plain data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "auth/scram_verifier.hpp"
#include "common/limits.hpp"

namespace tsna {

// An address and port to listen on ("127.0.0.1:9116", "[::1]:9116").
struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;  // 0 picks a free port
};

struct ServerOptions {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 6016;  // 0 picks a free port; Server::port() tells which
  std::filesystem::path data_dir = "tsna-data";
  // --store: empty for the embedded SQLite store in data_dir; a postgresql:// URI (libpq's) for
  // the store shared by a cluster, which then keeps the throttle counts too.
  std::string store_uri;
  unsigned threads = 0;  // event loops; 0: default_event_loops() (server.hpp)
  bool allow_classic_login = false;
  // PBKDF2 iterations of the verifiers made from now on (registrations, password changes,
  // imports, the migration of an old database); each stored verifier keeps its own count.
  std::uint32_t scram_iterations = auth::kDefaultScramIterations;
  // TLS (SPEC 4.5): with a certificate and key, TLS is spoken on `port`, or on `tls_port` when
  // given (then `port` stays plain, for classic clients).
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  std::optional<std::uint16_t> tls_port;
  // --proxy-protocol-from: CIDRs of the balancers whose connections must start with a PROXY
  // header (v1 or v2) naming the real client (SPEC 4.8). Empty: no header is read from anyone.
  std::vector<std::string> proxy_protocol_from;
  Limits limits;
  // --metrics: where GET /metrics and GET /health are served (metrics_http.hpp); unset: nowhere.
  std::optional<ListenAddress> metrics;

  bool tls_enabled() const { return !tls_cert.empty(); }
};

}  // namespace tsna
