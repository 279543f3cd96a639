// postgres_pipeline.cpp - a non-blocking connection in pipeline mode (postgres_pipeline.hpp).
// With postgres_connection.cpp, the only files that include libpq besides postgres_uri.cpp.
#include "store/postgres_pipeline.hpp"

#include <libpq-fe.h>

#include <utility>

#include "store/store_error.hpp"

namespace tsna {

PgPipeline::PgPipeline(pg_conn* conn) : conn_(conn) {
  if (conn_ == nullptr || PQsetnonblocking(conn_, 1) != 0 || PQenterPipelineMode(conn_) != 1) {
    const std::string why = conn_ != nullptr ? pg_error(conn_, nullptr) : "no connection";
    PQfinish(conn_);
    conn_ = nullptr;
    throw StoreUnavailable("PostgreSQL: cannot enter pipeline mode: " + why);
  }
}

PgPipeline::~PgPipeline() {
  PQfinish(conn_);
}

int PgPipeline::socket() const {
  return broken_ ? -1 : PQsocket(conn_);
}

std::size_t PgPipeline::pending() const {
  std::size_t n = 0;
  for (const Awaited& a : awaited_) {
    n += a.prepare ? 0 : 1;
  }
  return n;
}

bool PgPipeline::send(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                      Completion done) {
  if (broken_) {
    return false;
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) {
    values.push_back(p ? p->c_str() : nullptr);
  }
  const int n = static_cast<int>(values.size());
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "q" + std::to_string(prepared_.size());
    if (PQsendPrepare(conn_, name.c_str(), sql.c_str(), n, nullptr) != 1) {
      fail_all(pg_error(conn_, nullptr));
      return false;
    }
    awaited_.push_back(Awaited{true, false, {}, {}, sql});
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  if (PQsendQueryPrepared(conn_, it->second.c_str(), n, values.data(), nullptr, nullptr, 0) != 1 ||
      PQpipelineSync(conn_) != 1) {
    fail_all(pg_error(conn_, nullptr));
    return false;
  }
  awaited_.push_back(Awaited{false, false, std::move(done), {}, {}});
  flush();
  return !broken_;
}

void PgPipeline::flush() {
  const int r = PQflush(conn_);
  if (r < 0) {
    fail_all(pg_error(conn_, nullptr));
    return;
  }
  wants_write_ = r == 1;
}

bool PgPipeline::on_ready() {
  if (broken_) {
    return false;
  }
  if (PQconsumeInput(conn_) != 1) {
    fail_all(pg_error(conn_, nullptr));
    return false;
  }
  std::vector<Awaited> answered;
  read_results(answered);
  if (!broken_ && wants_write_) {
    flush();
  }
  // Completions run last, with this object consistent: one may send() again.
  for (Awaited& a : answered) {
    a.done(std::move(a.reply));
  }
  return !broken_;
}

void PgPipeline::read_results(std::vector<Awaited>& answered) {
  while (!awaited_.empty() && !broken_ && PQisBusy(conn_) == 0) {
    PGresult* result = PQgetResult(conn_);
    Awaited& front = awaited_.front();
    if (result == nullptr) {
      if (PQstatus(conn_) == CONNECTION_BAD) {
        fail_all(pg_error(conn_, nullptr));  // a closed connection answers nothing but null
        return;
      }
      // The end of one statement's results (a statement's Sync is still to come).
      if (front.prepare) {
        awaited_.pop_front();
      } else if (front.ended) {
        return;  // nothing more until its Sync arrives
      } else {
        front.ended = true;
      }
      continue;
    }
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_PIPELINE_SYNC) {
      PQclear(result);
      if (front.prepare || !front.ended) {
        fail_all("PostgreSQL: the pipeline's answers came out of order");
        return;
      }
      answered.push_back(std::move(front));
      awaited_.pop_front();
      continue;
    }
    if (front.prepare) {
      if (status != PGRES_COMMAND_OK) {
        // Its statement is answered PGRES_PIPELINE_ABORTED; the next send prepares again.
        prepared_.erase(front.statement);
      }
    } else if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      front.reply.status = PgReply::Status::kRows;
      front.reply.rows = pg_rows(result);
    } else if (status == PGRES_PIPELINE_ABORTED) {
      front.reply.status = PgReply::Status::kFailed;
      front.reply.error = "PostgreSQL: the statement could not be prepared";
    } else if (pg_connection_failed(conn_, result)) {
      // The server is going away (it says why): this statement and every one after it broke.
      const std::string why = "PostgreSQL: " + pg_error(conn_, result);
      PQclear(result);
      fail_all(why);
      return;
    } else {
      front.reply.status = PgReply::Status::kFailed;
      front.reply.error = "PostgreSQL: " + pg_error(conn_, result);
    }
    PQclear(result);
  }
}

void PgPipeline::fail_all(const std::string& why) {
  broken_ = true;
  wants_write_ = false;
  std::deque<Awaited> failed;
  failed.swap(awaited_);
  for (Awaited& a : failed) {
    if (!a.prepare) {
      a.done(PgReply{PgReply::Status::kBroken, {}, why});
    }
  }
}

}  // namespace tsna
