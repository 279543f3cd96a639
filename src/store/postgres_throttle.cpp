// postgres_throttle.cpp - the throttle table of the shared store (postgres_throttle.hpp).
#include "store/postgres_throttle.hpp"

#include <string>
#include <utility>
#include <vector>

#include "store/postgres_user_store.hpp"

namespace tsna {
namespace {

using Params = std::vector<std::optional<std::string>>;

long long field(const PgRow& row, std::size_t i) {
  return row.at(i) ? std::stoll(*row[i]) : 0;
}

// Columns: failures, locks, window_start, locked_until, expires_at at `first`.
auth::ThrottleState state_of(const PgRow& row, std::size_t first) {
  auth::ThrottleState s;
  s.failures = static_cast<int>(field(row, first));
  s.locks = static_cast<int>(field(row, first + 1));
  s.window_start = auth::ThrottleTime(field(row, first + 2));
  s.locked_until = auth::ThrottleTime(field(row, first + 3));
  return s;
}

}  // namespace

std::string pg_throttle_columns() {
  return std::string(kPgNowUs) + ", failures, locks, window_start, locked_until, expires_at";
}

Params pg_throttle_keys(std::string_view address, std::string_view name) {
  Params p;
  p.push_back(address.empty() ? std::nullopt
                              : std::optional(to_pg_hex("a:" + std::string(address))));
  p.push_back(name.empty() ? std::nullopt : std::optional(to_pg_hex("n:" + std::string(name))));
  return p;
}

auth::ThrottleCheck pg_throttle_check(const std::vector<PgRow>& rows, std::size_t first) {
  auth::ThrottleCheck check;
  for (const PgRow& row : rows) {
    if (!row.at(first)) {
      continue;
    }
    const auth::ThrottleTime now(field(row, first));
    if (field(row, first + 5) <= now.count()) {
      continue;  // expired: as if absent
    }
    check.counted = true;
    if (const auto until = auth::ThrottlePolicy::locked_until(state_of(row, first + 1), now)) {
      const std::chrono::seconds left = auth::ThrottlePolicy::seconds_left(*until, now);
      if (!check.wait || left > *check.wait) {
        check.wait = left;
      }
    }
  }
  return check;
}

PostgresThrottle::PostgresThrottle(std::shared_ptr<PostgresPool> pool, const Limits& limits)
    : pool_(std::move(pool)),
      policy_(limits),
      capacity_(2 * static_cast<long long>(limits.throttle_table_capacity)) {}

auth::ThrottleCheck PostgresThrottle::check(std::string_view address, std::string_view name) {
  const Params p = pg_throttle_keys(address, name);
  if (!p[0] && !p[1]) {
    return {};
  }
  static const std::string sql = "SELECT " + pg_throttle_columns() +
                                 " FROM tsna_throttle WHERE key IN (decode($1, 'hex'), "
                                 "decode($2, 'hex'))";
  auth::ThrottleCheck result;
  pool_->run(true, [&](PgSession& s) { result = pg_throttle_check(s.exec(sql, p), 0); });
  return result;
}

void PostgresThrottle::record_failure(std::string_view address, std::string_view name) {
  const Params p = pg_throttle_keys(address, name);
  if (!p[0] && !p[1]) {
    return;
  }
  static const std::string lock_row =
      "SELECT " + pg_throttle_columns() +
      " FROM tsna_throttle WHERE key = decode($1, 'hex') FOR UPDATE";
  pool_->run(false, [&](PgSession& s) {
    s.exec("BEGIN");
    // Rows to lock exist first (a placeholder is expired, so it behaves as absent).
    s.exec(
        "INSERT INTO tsna_throttle "
        "(key, failures, locks, window_start, locked_until, last_failure, expires_at) "
        "SELECT decode(k, 'hex'), 0, 0, 0, 0, 0, 0 FROM unnest(ARRAY[$1::text, $2::text]) "
        "WITH ORDINALITY AS t(k, i) WHERE k IS NOT NULL ORDER BY i "
        "ON CONFLICT (key) DO NOTHING",
        p);
    for (const auto& key : p) {
      if (!key) {
        continue;
      }
      const std::vector<PgRow> rows = s.exec(lock_row, {key});
      if (rows.size() != 1) {
        continue;  // deleted meanwhile by a success: this failure starts nothing
      }
      const auth::ThrottleTime now(field(rows[0], 0));
      const auth::ThrottleState current = state_of(rows[0], 1);
      const bool live = field(rows[0], 5) > now.count();
      const auth::ThrottleState next = policy_.after_failure(live ? &current : nullptr, now);
      s.exec(
          "UPDATE tsna_throttle SET failures = $2, locks = $3, window_start = $4, "
          "locked_until = $5, last_failure = $6, expires_at = $7 "
          "WHERE key = decode($1, 'hex')",
          {key, std::to_string(next.failures), std::to_string(next.locks),
           std::to_string(next.window_start.count()), std::to_string(next.locked_until.count()),
           std::to_string(now.count()), std::to_string(policy_.expiry(next).count())});
    }
    s.exec("COMMIT");
  });
  const unsigned n = failures_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (n % 16 == 0) {
    pool_->run(false, [&](PgSession& s) {
      s.exec(std::string("DELETE FROM tsna_throttle WHERE key IN (SELECT key FROM tsna_throttle "
                         "WHERE expires_at <= ") +
             std::string(kPgNowUs) + " LIMIT 256 FOR UPDATE SKIP LOCKED)");
    });
  }
  if (n % 256 == 0) {
    pool_->run(false, [&](PgSession& s) {
      s.exec(
          "DELETE FROM tsna_throttle WHERE key IN (SELECT key FROM tsna_throttle "
          "ORDER BY last_failure DESC OFFSET $1 FOR UPDATE SKIP LOCKED)",
          {std::to_string(capacity_)});
    });
  }
}

void PostgresThrottle::record_success(std::string_view address, std::string_view name) {
  const Params p = pg_throttle_keys(address, name);
  if (!p[0] && !p[1]) {
    return;
  }
  pool_->run(false, [&](PgSession& s) {
    s.exec("DELETE FROM tsna_throttle WHERE key IN (decode($1, 'hex'), decode($2, 'hex'))", p);
  });
}

long long PostgresThrottle::size_for_test() const {
  long long n = 0;
  pool_->run(true,
             [&](PgSession& s) { n = field(s.exec("SELECT count(*) FROM tsna_throttle")[0], 0); });
  return n;
}

}  // namespace tsna
