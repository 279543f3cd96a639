// postgres_login_lookup.cpp - the throttle and the verifier in one statement
// (postgres_login_lookup.hpp).
#include "store/postgres_login_lookup.hpp"

#include <string>
#include <utility>
#include <vector>

#include "store/postgres_throttle.hpp"
#include "store/postgres_user_store.hpp"

namespace tsna {
// Throttle rows carry the clock and their state, with a NULL verifier; the user's row (at most
// one) carries only the verifier. pg_throttle_check() skips the rows whose clock is NULL.
const std::string& PostgresLoginLookup::statement() {
  static const std::string sql =
      "SELECT " + pg_throttle_columns() +
      ", NULL::text FROM tsna_throttle WHERE key IN (decode($1, 'hex'), decode($2, 'hex')) "
      "UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, verifier FROM tsna_users "
      "WHERE name = decode($3, 'hex')";
  return sql;
}

std::vector<std::optional<std::string>> PostgresLoginLookup::parameters(std::string_view address,
                                                                        std::string_view name) {
  std::vector<std::optional<std::string>> params = pg_throttle_keys(address, name);
  params.emplace_back(to_pg_hex(name));
  return params;
}

LoginLookupResult PostgresLoginLookup::result_of(const std::vector<PgRow>& rows,
                                                 std::string_view name) {
  constexpr std::size_t kVerifierColumn = 6;
  LoginLookupResult result{pg_throttle_check(rows, 0), std::nullopt};
  if (result.throttle.wait) {
    return result;  // locked: the verifier is not looked at
  }
  for (const PgRow& row : rows) {
    if (!row.at(0) && row.at(kVerifierColumn)) {
      result.verifier = parse_pg_verifier(*row[kVerifierColumn], name);
    }
  }
  return result;
}

LoginLookupResult PostgresLoginLookup::lookup(std::string_view address, std::string_view name) {
  const std::vector<std::optional<std::string>> params = parameters(address, name);
  LoginLookupResult result;
  pool_->run(true, [&](PgSession& s) { result = result_of(s.exec(statement(), params), name); });
  return result;
}

}  // namespace tsna
