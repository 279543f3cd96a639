// postgres_pipeline.hpp - one PostgreSQL connection for an event loop: non-blocking, in libpq's
// pipeline mode, so that the loop sends a statement and goes on serving its other connections
// while the answer travels, and statements sent in one turn share a round trip. It never waits:
// its owner watches socket() and calls on_ready(), and completions run from there. One
// statement and its own Sync per send(), so that a failing statement affects no other. Used by
// the server for login lookups (server/loop_lookup.hpp); the store threads keep the pool. Not
// thread safe: one loop's thread only.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/postgres_connection.hpp"

namespace tsna {

struct PgReply {
  enum class Status {
    kRows,    // the statement ran: `rows`
    kFailed,  // the statement failed (`error`); the connection is fine
    kBroken,  // the connection broke before the answer came: the statement may or may not have run
  };
  Status status = Status::kBroken;
  std::vector<PgRow> rows;
  std::string error;
};

class PgPipeline {
 public:
  using Completion = std::function<void(PgReply)>;

  // Takes over a connected connection (PostgresPool::open_pipeline) and puts it in
  // non-blocking pipeline mode; throws StoreUnavailable when libpq refuses.
  explicit PgPipeline(pg_conn* conn);
  ~PgPipeline();
  PgPipeline(const PgPipeline&) = delete;
  PgPipeline& operator=(const PgPipeline&) = delete;

  // The descriptor to watch: for input always, for output while wants_write().
  int socket() const;

  // Queues `sql` with text parameters (nullopt is NULL), prepared on this connection at its
  // first use, and sends what it can without waiting. `done` runs later, from on_ready(), in
  // the order of the sends. False (and `done` is dropped) when the connection is broken; the
  // completions still pending have then run with kBroken, before send() returns.
  bool send(const std::string& sql, const std::vector<std::optional<std::string>>& params,
            Completion done);

  // The socket is readable or writable: sends what is buffered, reads what has arrived, and
  // runs the completions of the statements answered. Once the connection breaks, every pending
  // completion runs with kBroken and this returns false (as does every later call).
  bool on_ready();

  bool wants_write() const { return wants_write_; }
  bool broken() const { return broken_; }
  // Statements sent and not yet answered.
  std::size_t pending() const;

 private:
  struct Awaited {
    bool prepare = false;  // a Prepare's result (no completion of its own), else a statement's
    bool ended = false;    // its results are in; its Sync is awaited
    Completion done;
    PgReply reply;
    std::string statement;  // a Prepare's SQL, forgotten if the Prepare fails
  };

  void flush();
  void read_results(std::vector<Awaited>& answered);
  void fail_all(const std::string& why);

  pg_conn* conn_;
  std::deque<Awaited> awaited_;
  std::unordered_map<std::string, std::string> prepared_;  // statement -> its name here
  bool wants_write_ = false;
  bool broken_ = false;
};

}  // namespace tsna
