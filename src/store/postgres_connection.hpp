// postgres_connection.hpp - connections to the shared PostgreSQL store, driven synchronously by
// libpq from the server's store threads (never from an event loop): a pool of open connections,
// connect_timeout and TCP keepalives so that nothing waits for long, reconnection with a capped
// exponential backoff during which requests fail at once, and one retry of an idempotent read on
// a connection found broken. libpq's header stays in the .cpp. Depends on store_error only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

// libpq's own types (PGconn, PGresult), opaque here: libpq's header stays in the .cpp files.
struct pg_conn;
struct pg_result;

namespace tsna {

// One row of a result: each field as text, nullopt for SQL NULL.
using PgRow = std::vector<std::optional<std::string>>;

class PgConnection;
class PgPipeline;

// Shared by the two files that drive libpq (this one's .cpp and postgres_pipeline.cpp).
// The rows of a result.
std::vector<PgRow> pg_rows(const pg_result* result);
// The error of a failed statement (or of the connection, without a result), on one line.
std::string pg_error(pg_conn* conn, const pg_result* result);
// A statement failed because the server went away (class 08, connection exception; 57P0x, the
// server shutting down) rather than because of the statement.
bool pg_connection_failed(pg_conn* conn, const pg_result* result);

// What a unit of work sees: statements on one connection. exec() throws StoreUnavailable when the
// connection breaks and std::runtime_error (with the server's message) when a statement fails.
class PgSession {
 public:
  explicit PgSession(PgConnection& connection) : connection_(connection) {}
  // Runs one statement with text parameters ($1, $2...; nullopt is NULL) and returns its rows.
  // Without parameters, `sql` may hold several statements (the rows are the last one's).
  std::vector<PgRow> exec(std::string_view sql,
                          const std::vector<std::optional<std::string>>& params = {});
  // The number of rows the last INSERT/UPDATE/DELETE touched.
  long long affected() const { return affected_; }

 private:
  PgConnection& connection_;
  long long affected_ = 0;
};

class PostgresPool {
 public:
  // `uri`: a libpq connection URI or keyword string. At most `max_open` connections are open at
  // once; a caller beyond them waits for one to be released. Connects nothing yet.
  explicit PostgresPool(std::string uri, std::size_t max_open = kDefaultMaxOpen);
  static constexpr std::size_t kDefaultMaxOpen = 8;
  ~PostgresPool();
  PostgresPool(const PostgresPool&) = delete;
  PostgresPool& operator=(const PostgresPool&) = delete;

  // Runs `work` on a connection from the pool (a new one when none is idle). While the pool is
  // backing off after a failed connect, throws StoreUnavailable at once. When the connection
  // breaks under `work`, the connection is dropped (with every idle one: they shared the fate)
  // and, if `idempotent` and the connection had been used before, `work` runs once more on a
  // fresh one; otherwise StoreUnavailable propagates: a write's outcome is then unknown.
  void run(bool idempotent, const std::function<void(PgSession&)>& work);

  // A connection of its own for an event loop (postgres_pipeline.hpp), opened now, with the
  // pool's parameters; it is not counted in `max_open`. Blocking: call it from a store thread.
  // Throws StoreUnavailable at once while the pool backs off, or when the connect fails.
  std::unique_ptr<PgPipeline> open_pipeline();

  // False from a failed connect or a broken connection until the next successful connect. While
  // unhealthy, a thread of the pool keeps trying (with the backoff), so health comes back with
  // the database even when no request arrives (a balancer stops sending them). Never waits.
  bool healthy() const;

  // The longest wait between reconnection attempts.
  static constexpr std::chrono::milliseconds kMaxBackoff{1000};

 private:
  std::unique_ptr<PgConnection> acquire(bool& reused);
  std::unique_ptr<PgConnection> connect();  // throws StoreUnavailable and sets the backoff
  void reconnect_loop();
  void release(std::unique_ptr<PgConnection> connection);
  void connection_lost();  // the connection in hand broke: it and every idle one are closed
  void closed();           // one connection fewer is open

  const std::string uri_;
  mutable std::mutex mutex_;
  const std::size_t max_open_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mutex_
  std::size_t open_ = 0;                             // idle or in use; guarded by mutex_
  std::condition_variable released_;
  bool healthy_ = true;                             // guarded by mutex_
  std::chrono::milliseconds backoff_{0};            // guarded by mutex_
  std::chrono::steady_clock::time_point retry_at_;  // guarded by mutex_
  std::string last_error_;                          // guarded by mutex_
  bool stopping_ = false;                           // guarded by mutex_
  std::condition_variable wake_;
  std::thread reconnector_;
};

}  // namespace tsna
