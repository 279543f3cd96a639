// postgres_login_lookup.hpp - a login's first question to the shared store (login_lookup.hpp)
// in one statement and one round trip: the throttle rows of its address and name
// (postgres_throttle.hpp) and the name's verifier (postgres_user_store.hpp), read together. A
// login on PostgreSQL is then one round trip when nothing was counted, since the success that
// follows has nothing to clear (SPEC 4.4). lookup() blocks: store threads only; an event loop
// sends statement() on its own connection and reads the answer with result_of().
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/login_lookup.hpp"
#include "store/postgres_connection.hpp"

namespace tsna {

class PostgresLoginLookup final : public LoginLookup {
 public:
  explicit PostgresLoginLookup(std::shared_ptr<PostgresPool> pool) : pool_(std::move(pool)) {}
  // Retried once on a connection found broken (a read); throws StoreUnavailable when the
  // database cannot be reached.
  LoginLookupResult lookup(std::string_view address, std::string_view name) override;
  bool never_blocks() const override { return false; }

  // The same statement for a caller that sends it itself (an event loop's pipeline,
  // postgres_pipeline.hpp): its text, its parameters, and what its rows say (throws
  // std::runtime_error for a damaged verifier).
  static const std::string& statement();
  static std::vector<std::optional<std::string>> parameters(std::string_view address,
                                                            std::string_view name);
  static LoginLookupResult result_of(const std::vector<PgRow>& rows, std::string_view name);

 private:
  std::shared_ptr<PostgresPool> pool_;
};

}  // namespace tsna
