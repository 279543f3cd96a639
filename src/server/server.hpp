// server.hpp - tsna-server's listener and event loops: one loop per thread, one acceptor that
// hands connections out round-robin, a deadline sweep per loop, admission control and a
// graceful stop (SPEC 4). The only layer besides the client and bench that uses asio.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "audit/audit_sink.hpp"
#include "server/server_options.hpp"
#include "store/user_store.hpp"

namespace tsna {

// The event loops a server starts without --threads (SPEC 4.1): one less than the CPUs the
// process may run on, at least one; docs/PERFORMANCE.md, "How many event loops", says why.
unsigned default_event_loops();

class Server {
 public:
  // Opens the store (DATA_DIR/users.db) and the audit log (DATA_DIR/data_log.jsonl) unless
  // given, and binds the port. Throws std::runtime_error when it cannot.
  explicit Server(ServerOptions options, std::unique_ptr<UserStore> store = nullptr,
                  std::unique_ptr<AuditSink> audit = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (the real one when options.port was 0).
  std::uint16_t port() const;
  // The separate TLS port, when options.tls_port was given (the real one when it was 0).
  std::optional<std::uint16_t> tls_port() const;
  // The port of GET /metrics and GET /health, when options.metrics was given (the real one
  // when its port was 0).
  std::optional<std::uint16_t> metrics_port() const;

  // Serves until stop(); then closes every connection, finishes queued store writes and
  // flushes the audit log before returning. Call once.
  void run();

  // Thread safe; callable from a signal_set handler or another thread.
  void stop();

  // Reopens the audit log file (SIGHUP, for log rotation). Thread safe.
  void reopen_audit_log();

  // Re-reads options.tls_cert and options.tls_key (SIGHUP, for a renewed certificate): TLS
  // connections accepted from now on use them, established ones keep what they started with.
  // When the new files cannot be used, the old certificate stays in use. Says which on stderr
  // and returns false for the latter; true (and silent) when TLS is off. Thread safe.
  bool reload_tls_certificate();

  std::size_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tsna
