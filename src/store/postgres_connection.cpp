// postgres_connection.cpp - the libpq connection pool of the shared store
// (postgres_connection.hpp). The only file besides postgres_uri.cpp that includes libpq.
#include "store/postgres_connection.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "store/postgres_pipeline.hpp"
#include "store/store_error.hpp"

namespace tsna {

class PgConnection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  PGconn* get() const { return conn_; }
  // Gives the connection up to its new owner.
  PGconn* release() { return std::exchange(conn_, nullptr); }
  // The name this connection prepared `sql` under, if it did.
  std::unordered_map<std::string, std::string>& prepared() { return prepared_; }

 private:
  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;
};

namespace {

// libpq's messages end with a newline; ours are one line.
std::string one_line(const char* message) {
  std::string text = message != nullptr ? message : "";
  std::replace(text.begin(), text.end(), '\n', ' ');
  while (!text.empty() && text.back() == ' ') {
    text.pop_back();
  }
  return text;
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

}  // namespace

bool pg_connection_failed(PGconn* conn, const PGresult* result) {
  if (PQstatus(conn) == CONNECTION_BAD) {
    return true;
  }
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state == nullptr) {
    return result == nullptr;
  }
  const std::string_view s(state);
  return s.starts_with("08") || s.starts_with("57P");
}

std::string pg_error(PGconn* conn, const PGresult* result) {
  return result != nullptr ? one_line(PQresultErrorMessage(result))
                           : one_line(PQerrorMessage(conn));
}

std::vector<PgRow> pg_rows(const PGresult* result) {
  std::vector<PgRow> rows;
  const int n = PQntuples(result);
  const int fields = PQnfields(result);
  rows.reserve(static_cast<std::size_t>(n));
  for (int r = 0; r < n; ++r) {
    PgRow row;
    row.reserve(static_cast<std::size_t>(fields));
    for (int f = 0; f < fields; ++f) {
      if (PQgetisnull(result, r, f)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(result, r, f),
                                     static_cast<std::size_t>(PQgetlength(result, r, f))));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<PgRow> PgSession::exec(std::string_view sql,
                                   const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) {
    values.push_back(p ? p->c_str() : nullptr);
  }
  const std::string statement(sql);
  PGconn* conn = connection_.get();
  // Without parameters the simple protocol, which also takes several statements at once; with
  // them, a statement prepared once per connection (parsed and planned once, not per call).
  Result result;
  if (params.empty()) {
    result.reset(PQexec(conn, statement.c_str()));
  } else {
    auto& prepared = connection_.prepared();
    auto it = prepared.find(statement);
    if (it == prepared.end()) {
      const std::string name = "s" + std::to_string(prepared.size());
      const Result done(PQprepare(conn, name.c_str(), statement.c_str(),
                                  static_cast<int>(values.size()), nullptr));
      if (done && PQresultStatus(done.get()) == PGRES_COMMAND_OK) {
        it = prepared.emplace(statement, name).first;
      } else {
        result.reset(PQexecParams(conn, statement.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0));
      }
    }
    if (it != prepared.end()) {
      result.reset(PQexecPrepared(conn, it->second.c_str(), static_cast<int>(values.size()),
                                  values.data(), nullptr, nullptr, 0));
    }
  }
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const std::string message = pg_error(conn, result.get());
    if (pg_connection_failed(conn, result.get())) {
      throw StoreUnavailable("PostgreSQL: " + message);
    }
    throw std::runtime_error("PostgreSQL: " + message);
  }
  const char* tuples = PQcmdTuples(result.get());
  affected_ = tuples != nullptr && *tuples != '\0' ? std::stoll(tuples) : 0;
  return pg_rows(result.get());
}

PostgresPool::PostgresPool(std::string uri, std::size_t max_open)
    : uri_(std::move(uri)),
      max_open_(std::max<std::size_t>(1, max_open)),
      reconnector_([this] { reconnect_loop(); }) {}

PostgresPool::~PostgresPool() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  reconnector_.join();
}

void PostgresPool::reconnect_loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (healthy_) {
      wake_.wait(lock);
      continue;
    }
    if (backoff_.count() > 0 && std::chrono::steady_clock::now() < retry_at_) {
      wake_.wait_until(lock, retry_at_);
      continue;
    }
    if (open_ >= max_open_) {
      wake_.wait(lock);  // every connection is in use; their fate will tell
      continue;
    }
    ++open_;
    lock.unlock();
    std::unique_ptr<PgConnection> c;
    try {
      c = connect();
    } catch (const StoreUnavailable&) {
    }
    lock.lock();
    if (c) {
      idle_.push_back(std::move(c));
    } else {
      --open_;
    }
    released_.notify_one();
  }
}

bool PostgresPool::healthy() const {
  const std::lock_guard lock(mutex_);
  return healthy_;
}

std::unique_ptr<PgConnection> PostgresPool::acquire(bool& reused) {
  {
    std::unique_lock lock(mutex_);
    released_.wait(lock, [this] { return !idle_.empty() || open_ < max_open_; });
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> c = std::move(idle_.back());
      idle_.pop_back();
      reused = true;
      return c;
    }
    if (backoff_.count() > 0 && std::chrono::steady_clock::now() < retry_at_) {
      throw StoreUnavailable("PostgreSQL unreachable (retrying shortly): " + last_error_);
    }
    ++open_;
  }
  reused = false;
  try {
    return connect();
  } catch (...) {
    closed();
    throw;
  }
}

void PostgresPool::closed() {
  {
    const std::lock_guard lock(mutex_);
    --open_;
  }
  released_.notify_one();
  wake_.notify_all();
}

std::unique_ptr<PgConnection> PostgresPool::connect() {
  // Ours first, the URI last: what the operator's URI says wins (libpq keeps the last value).
  // connect_timeout bounds a connect; keepalives and tcp_user_timeout find a dead peer in a few
  // seconds instead of TCP's minutes.
  const char* const keys[] = {"connect_timeout",     "keepalives",       "keepalives_idle",
                              "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                              "application_name",    "dbname",           nullptr};
  const char* const values[] = {"2",    "1",           "5",          "1",    "3",
                                "3000", "tsna-server", uri_.c_str(), nullptr};
  auto c = std::make_unique<PgConnection>(PQconnectdbParams(keys, values, 1));
  if (c->get() != nullptr) {
    // NOTICEs ("relation ... already exists, skipping") are not for the server's stderr.
    PQsetNoticeProcessor(
        c->get(), [](void*, const char*) {}, nullptr);
  }
  if (c->get() == nullptr || PQstatus(c->get()) != CONNECTION_OK) {
    const std::string message =
        c->get() != nullptr ? one_line(PQerrorMessage(c->get())) : "out of memory";
    const std::lock_guard lock(mutex_);
    healthy_ = false;
    last_error_ = message;
    backoff_ =
        std::min(kMaxBackoff, backoff_.count() == 0 ? std::chrono::milliseconds(50) : backoff_ * 2);
    retry_at_ = std::chrono::steady_clock::now() + backoff_;
    wake_.notify_all();
    throw StoreUnavailable("cannot connect to PostgreSQL: " + message);
  }
  const std::lock_guard lock(mutex_);
  healthy_ = true;
  backoff_ = std::chrono::milliseconds(0);
  return c;
}

std::unique_ptr<PgPipeline> PostgresPool::open_pipeline() {
  {
    const std::lock_guard lock(mutex_);
    if (backoff_.count() > 0 && std::chrono::steady_clock::now() < retry_at_) {
      throw StoreUnavailable("PostgreSQL unreachable (retrying shortly): " + last_error_);
    }
  }
  std::unique_ptr<PgConnection> c = connect();
  return std::make_unique<PgPipeline>(c->release());
}

void PostgresPool::release(std::unique_ptr<PgConnection> connection) {
  if (PQstatus(connection->get()) != CONNECTION_OK ||
      PQtransactionStatus(connection->get()) != PQTRANS_IDLE) {
    connection.reset();  // broken, or left inside a transaction by a failed unit of work
    closed();
    return;
  }
  {
    const std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  released_.notify_one();
}

void PostgresPool::connection_lost() {
  std::vector<std::unique_ptr<PgConnection>> dropped;
  {
    const std::lock_guard lock(mutex_);
    healthy_ = false;
    dropped.swap(idle_);
    open_ -= dropped.size() + 1;  // the idle ones and the broken one
  }
  released_.notify_all();
  wake_.notify_all();
}

void PostgresPool::run(bool idempotent, const std::function<void(PgSession&)>& work) {
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    std::unique_ptr<PgConnection> connection = acquire(reused);
    try {
      PgSession session(*connection);
      work(session);
    } catch (const StoreUnavailable&) {
      connection.reset();
      connection_lost();
      if (idempotent && reused && attempt == 0) {
        continue;
      }
      throw;
    } catch (...) {
      release(std::move(connection));
      throw;
    }
    release(std::move(connection));
    return;
  }
}

}  // namespace tsna
