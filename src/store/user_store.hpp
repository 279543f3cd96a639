// user_store.hpp - the UserStore interface: who is registered, with which SCRAM-SHA-256 verifier
// (never a password hash), and the store's decoy secret (SPEC 4.2). The session layer sees only
// this; SQLite (sqlite_user_store.hpp) and PostgreSQL (postgres_user_store.hpp) live behind it.
// Depends on common and auth's verifier.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/scram_verifier.hpp"

namespace tsna {

struct UserRecord {
  std::string name;
  auth::ScramVerifier verifier;
  bool operator==(const UserRecord&) const = default;
};

enum class AddResult {
  kAdded,   // committed durably
  kExists,  // the name is taken; nothing changed
};

enum class ChangeResult {
  kChanged,     // committed durably
  kNoSuchUser,  // nothing changed
};

// What decoy verifiers for unknown names are derived from (auth::decoy_verifier): made once,
// at random, when the store is created, and the same for every server that shares the store.
using DecoySecret = std::array<std::uint8_t, 32>;

class UserStore {
 public:
  virtual ~UserStore() = default;

  // Every member may throw StoreUnavailable (store/store_error.hpp) when the medium cannot be
  // reached; other failures throw std::runtime_error.

  // Thread safe. May wait for the store's medium unless find_never_blocks().
  virtual std::optional<auth::ScramVerifier> find(std::string_view name) const = 0;
  // True when find() answers from memory and never waits: an event loop may then call it.
  virtual bool find_never_blocks() const = 0;

  // Thread safe. Return only after the change is durable (it survives kill -9). They may
  // block on the disk: call them from the store's own threads, never from an event loop.
  virtual AddResult add(std::string_view name, const auth::ScramVerifier& verifier) = 0;
  virtual ChangeResult change(std::string_view name, const auth::ScramVerifier& verifier) = 0;

  // Every user, in registration order. Thread safe.
  virtual std::vector<UserRecord> list() const = 0;

  // Thread safe and cheap (read once when the store opens).
  virtual DecoySecret decoy_secret() const = 0;

  // False while the store cannot reach its medium (a shared store's database is down), so a
  // health check can say so; an embedded store is always healthy. Thread safe, never waits.
  virtual bool healthy() const { return true; }
};

}  // namespace tsna
