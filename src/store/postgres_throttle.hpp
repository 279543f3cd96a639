// postgres_throttle.hpp - the cluster's failed-login throttle (SPEC 4.4): the counts of every node
// in one table of the shared PostgreSQL store (tsna_throttle, made by PostgresUserStore::open),
// per address and per name, on the database's clock so that nodes need not agree on the time.
// The schedule is auth/throttle_policy's; this file only keeps its state. Called from the store
// threads only (never_blocks() is false). Depends on store's connection pool, auth, common.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string_view>

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

  std::optional<std::chrono::seconds> blocked(std::string_view address,
                                              std::string_view name) override;
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

}  // namespace tsna
