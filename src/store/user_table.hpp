// user_table.hpp - the committed users and their verifiers in memory: registration order plus a
// name index, read by many threads at once. The SQLite store keeps its cache in one (and tests'
// in-memory store is one). Depends on the UserStore types only.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/user_store.hpp"

namespace tsna {

// Thread safe: readers share a lock, writers take it alone. Callers serialise their own
// check-then-write sequences (a store's writer lock); the table only keeps each call atomic.
class UserTable {
 public:
  std::optional<auth::ScramVerifier> find(std::string_view name) const;
  bool contains(std::string_view name) const;
  std::vector<UserRecord> list() const;

  // Adds `name` at the end of the registration order, or, if it is already there, replaces its
  // verifier in place.
  void put(std::string_view name, const auth::ScramVerifier& verifier);
  // Replaces the verifier of an existing user; false (and nothing changes) if there is none.
  bool replace(std::string_view name, const auth::ScramVerifier& verifier);

 private:
  // Lets lookups take a string_view without building a std::string.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const noexcept {
      return std::hash<std::string_view>{}(name);
    }
  };

  mutable std::shared_mutex mutex_;
  std::vector<UserRecord> users_;  // registration order
  std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>> index_;  // -> users_
};

}  // namespace tsna
