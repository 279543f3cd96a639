// user_store.hpp - the UserStore interface: who is registered and with which password hash.
// The session layer sees only this; SQLite lives behind it (sqlite_user_store.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tsna {

struct UserRecord {
  std::string name;
  std::string hash;  // 32 lowercase hex characters (SPEC 2.2)
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

class UserStore {
 public:
  virtual ~UserStore() = default;

  // Thread safe and cheap: answered from memory, never waits for the disk, so an event
  // loop may call it.
  virtual std::optional<std::string> find(std::string_view name) const = 0;

  // Thread safe. Return only after the change is durable (it survives kill -9). They may
  // block on the disk: call them from the store's own thread, never from an event loop.
  virtual AddResult add(std::string_view name, std::string_view hash) = 0;
  virtual ChangeResult change(std::string_view name, std::string_view hash) = 0;

  // Every user, in registration order. Thread safe.
  virtual std::vector<UserRecord> list() const = 0;
};

}  // namespace tsna
