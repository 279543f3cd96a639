// postgres_user_store.hpp - the shared UserStore: users, the decoy secret and the throttle table
// of a cluster of tsna-server nodes in one PostgreSQL database (SPEC 4.2), schema version 1,
// created or migrated at open under an advisory lock. No cache: every find() reads the committed
// row, so a change acknowledged by one node is what the next login on any node sees. Called from
// the store threads only (find_never_blocks() is false). libpq stays in postgres_connection.cpp.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/random_source.hpp"
#include "store/postgres_connection.hpp"
#include "store/user_store.hpp"

namespace tsna {

class PostgresUserStore final : public UserStore {
 public:
  // The schema this program writes; a database with a newer one is refused.
  static constexpr int kSchemaVersion = 1;

  // Connects, creates or migrates the schema (tables tsna_schema, tsna_users, tsna_decoy,
  // tsna_throttle) inside pg_advisory_xact_lock, so nodes starting at once do not race, and
  // reads the cluster's decoy secret (made by the first node, at random: `random`, or OpenSSL's
  // when null). Throws std::runtime_error naming the cause when the database cannot be reached
  // or its schema is newer than kSchemaVersion.
  static std::unique_ptr<PostgresUserStore> open(std::shared_ptr<PostgresPool> pool,
                                                 RandomSource* random = nullptr);

  // A read of the committed row; retried once on a connection found broken.
  std::optional<auth::ScramVerifier> find(std::string_view name) const override;
  bool find_never_blocks() const override { return false; }
  // One statement each (INSERT ... ON CONFLICT DO NOTHING, UPDATE), answered by the server after
  // its commit: exactly one node wins a name, and an acknowledged change is durable.
  AddResult add(std::string_view name, const auth::ScramVerifier& verifier) override;
  ChangeResult change(std::string_view name, const auth::ScramVerifier& verifier) override;
  std::vector<UserRecord> list() const override;
  DecoySecret decoy_secret() const override { return decoy_; }
  bool healthy() const override { return pool_->healthy(); }

 private:
  PostgresUserStore(std::shared_ptr<PostgresPool> pool, const DecoySecret& decoy);

  std::shared_ptr<PostgresPool> pool_;
  DecoySecret decoy_;
};

// Names and other byte strings travel as hex (bytea columns), so that nothing depends on the
// database's encoding: names are kept byte for byte.
std::string to_pg_hex(std::string_view bytes);
std::string from_pg_hex(std::string_view hex);

// A verifier column's text; throws std::runtime_error naming `name` when it is damaged.
auth::ScramVerifier parse_pg_verifier(const std::string& text, std::string_view name);

}  // namespace tsna
