// postgres_throttle.hpp - the cluster's failed-login throttle (SPEC 4.4): the counts of every node
// in one table of the shared PostgreSQL store (tsna_throttle, made by PostgresUserStore::open),
// per address and per name, on the database's clock so that nodes need not agree on the time.
// The schedule is auth/throttle_policy's; this file only keeps its state. Called from the store
// threads only (never_blocks() is false). Depends on store's connection pool, auth, common.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/throttle.hpp"
#include "auth/throttle_policy.hpp"
#include "common/limits.hpp"
#include "store/postgres_connection.hpp"

namespace tsna {

// Keys are "a:" + address and "n:" + name (an empty address or name is not a key), as bytea.
// A failure locks both rows (address first, then name: one order for every node, so two
// failures never deadlock), applies ThrottlePolicy::after_failure and writes the new state with
// its expiry, in one transaction. Bounds: every 16th failure of a node deletes up to 256 expired
// rows; every 256th trims the table to 2 * throttle_table_capacity rows, dropping the ones whose
// last failure is the oldest. All calls throw StoreUnavailable when the database cannot be
// reached.
class PostgresThrottle final : public auth::Throttle {
 public:
  PostgresThrottle(std::shared_ptr<PostgresPool> pool, const Limits& limits);

  auth::ThrottleCheck check(std::string_view address, std::string_view name) override;
  void record_failure(std::string_view address, std::string_view name) override;
  void record_success(std::string_view address, std::string_view name) override;
  bool never_blocks() const override { return false; }

  // Rows in the table, expired ones included (tests).
  long long size_for_test() const;

 private:
  std::shared_ptr<PostgresPool> pool_;
  auth::ThrottlePolicy policy_;
  long long capacity_;
  std::atomic<unsigned> failures_{0};
};

// Shared with PostgresLoginLookup, which reads the throttle's rows in its own statement.
// The two keys of (address, name) as hex parameters, nullopt for one that is not a key.
std::vector<std::optional<std::string>> pg_throttle_keys(std::string_view address,
                                                         std::string_view name);
// The database's clock, in ThrottlePolicy's unit; the same value for the whole statement.
inline constexpr std::string_view kPgNowUs =
    "(extract(epoch FROM statement_timestamp()) * 1000000)::bigint";
// The select list whose fields pg_throttle_check() reads, in order: kPgNowUs, then failures,
// locks, window_start, locked_until, expires_at of a tsna_throttle row.
std::string pg_throttle_columns();
// The verdict over those fields of `rows`, read from column `first` on; a row whose clock field
// is NULL is not a throttle row and is skipped. An expired row counts as absent.
auth::ThrottleCheck pg_throttle_check(const std::vector<PgRow>& rows, std::size_t first);

}  // namespace tsna
