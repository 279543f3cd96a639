// postgres_user_store.cpp - the shared UserStore in PostgreSQL (postgres_user_store.hpp).
#include "store/postgres_user_store.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>

#include "auth/openssl_random.hpp"

namespace tsna {
namespace {

// The advisory lock every node takes to create or migrate the schema ("TSNA" in ASCII).
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(1414745665)";

// Version 1. Names are bytea (byte for byte, whatever the database's encoding); `id` gives the
// registration order. tsna_throttle holds one row per throttled key (auth/throttle_policy.hpp's
// state; times in microseconds of the database's clock): see postgres_throttle.hpp.
constexpr const char* kCreateVersion1 = R"sql(
CREATE TABLE tsna_users (
  id bigserial PRIMARY KEY,
  name bytea NOT NULL UNIQUE,
  verifier text NOT NULL
);
CREATE TABLE tsna_decoy (
  id integer PRIMARY KEY CHECK (id = 1),
  secret bytea NOT NULL
);
CREATE TABLE tsna_throttle (
  key bytea PRIMARY KEY,
  failures integer NOT NULL,
  locks integer NOT NULL,
  window_start bigint NOT NULL,
  locked_until bigint NOT NULL,
  last_failure bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX tsna_throttle_expires_at ON tsna_throttle (expires_at);
CREATE INDEX tsna_throttle_last_failure ON tsna_throttle (last_failure);
)sql";

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

void migrate(PgSession& s) {
  s.exec("BEGIN");
  s.exec(kSchemaLock);
  s.exec("CREATE TABLE IF NOT EXISTS tsna_schema (version integer NOT NULL)");
  const std::vector<PgRow> rows = s.exec("SELECT max(version) FROM tsna_schema");
  const int version = rows.empty() || !rows[0][0] ? 0 : std::stoi(*rows[0][0]);
  if (version > PostgresUserStore::kSchemaVersion) {
    s.exec("ROLLBACK");
    throw std::runtime_error("the PostgreSQL store has schema version " + std::to_string(version) +
                             ", newer than this tsna-server's (" +
                             std::to_string(PostgresUserStore::kSchemaVersion) +
                             "): upgrade tsna-server");
  }
  if (version < 1) {
    s.exec(kCreateVersion1);
    s.exec("INSERT INTO tsna_schema (version) VALUES (1)");
  }
  s.exec("COMMIT");
}

DecoySecret shared_decoy(PgSession& s, RandomSource& random) {
  DecoySecret fresh{};
  random.fill(fresh);
  const std::string hex =
      to_pg_hex(std::string_view(reinterpret_cast<const char*>(fresh.data()), fresh.size()));
  s.exec(
      "INSERT INTO tsna_decoy (id, secret) VALUES (1, decode($1, 'hex')) "
      "ON CONFLICT (id) DO NOTHING",
      {hex});
  const std::vector<PgRow> rows = s.exec("SELECT encode(secret, 'hex') FROM tsna_decoy");
  const std::string stored = rows.size() == 1 && rows[0][0] ? from_pg_hex(*rows[0][0]) : "";
  if (stored.size() != DecoySecret{}.size()) {
    throw std::runtime_error("the PostgreSQL store's decoy secret is damaged");
  }
  DecoySecret secret{};
  for (std::size_t i = 0; i < secret.size(); ++i) {
    secret[i] = static_cast<std::uint8_t>(stored[i]);
  }
  return secret;
}

}  // namespace

auth::ScramVerifier parse_pg_verifier(const std::string& text, std::string_view name) {
  std::optional<auth::ScramVerifier> v = auth::parse_verifier(text);
  if (!v) {
    throw std::runtime_error("the PostgreSQL store holds a damaged verifier for " +
                             std::string(name));
  }
  return *v;
}

std::string to_pg_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    hex += kDigits[b >> 4];
    hex += kDigits[b & 0xf];
  }
  return hex;
}

std::string from_pg_hex(std::string_view hex) {
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    const int hi = hex_value(hex[i]);
    const int lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      throw std::runtime_error("PostgreSQL: bad hex from the server");
    }
    bytes += static_cast<char>(hi * 16 + lo);
  }
  return bytes;
}

PostgresUserStore::PostgresUserStore(std::shared_ptr<PostgresPool> pool, const DecoySecret& decoy)
    : pool_(std::move(pool)), decoy_(decoy) {}

std::unique_ptr<PostgresUserStore> PostgresUserStore::open(std::shared_ptr<PostgresPool> pool,
                                                           RandomSource* random) {
  auth::OpenSslRandom own_random;
  RandomSource& r = random != nullptr ? *random : own_random;
  DecoySecret decoy{};
  pool->run(false, [&](PgSession& s) {
    migrate(s);
    decoy = shared_decoy(s, r);
  });
  return std::unique_ptr<PostgresUserStore>(new PostgresUserStore(std::move(pool), decoy));
}

std::optional<auth::ScramVerifier> PostgresUserStore::find(std::string_view name) const {
  std::optional<auth::ScramVerifier> found;
  pool_->run(true, [&](PgSession& s) {
    const std::vector<PgRow> rows =
        s.exec("SELECT verifier FROM tsna_users WHERE name = decode($1, 'hex')", {to_pg_hex(name)});
    found = rows.empty() || !rows[0][0] ? std::nullopt
                                        : std::optional(parse_pg_verifier(*rows[0][0], name));
  });
  return found;
}

AddResult PostgresUserStore::add(std::string_view name, const auth::ScramVerifier& verifier) {
  AddResult result = AddResult::kExists;
  pool_->run(false, [&](PgSession& s) {
    s.exec(
        "INSERT INTO tsna_users (name, verifier) VALUES (decode($1, 'hex'), $2) "
        "ON CONFLICT (name) DO NOTHING",
        {to_pg_hex(name), auth::format_verifier(verifier)});
    result = s.affected() == 1 ? AddResult::kAdded : AddResult::kExists;
  });
  return result;
}

ChangeResult PostgresUserStore::change(std::string_view name, const auth::ScramVerifier& verifier) {
  ChangeResult result = ChangeResult::kNoSuchUser;
  pool_->run(false, [&](PgSession& s) {
    s.exec("UPDATE tsna_users SET verifier = $2 WHERE name = decode($1, 'hex')",
           {to_pg_hex(name), auth::format_verifier(verifier)});
    result = s.affected() == 1 ? ChangeResult::kChanged : ChangeResult::kNoSuchUser;
  });
  return result;
}

std::vector<UserRecord> PostgresUserStore::list() const {
  std::vector<UserRecord> users;
  pool_->run(true, [&](PgSession& s) {
    users.clear();
    for (const PgRow& row :
         s.exec("SELECT encode(name, 'hex'), verifier FROM tsna_users ORDER BY id")) {
      std::string name = from_pg_hex(row[0].value_or(""));
      auth::ScramVerifier v = parse_pg_verifier(row[1].value_or(""), name);
      users.push_back(UserRecord{std::move(name), std::move(v)});
    }
  });
  return users;
}

}  // namespace tsna
