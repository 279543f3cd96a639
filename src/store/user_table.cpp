// user_table.cpp - the in-memory user table (user_table.hpp).
#include "store/user_table.hpp"

#include <mutex>

namespace tsna {

std::optional<auth::ScramVerifier> UserTable::find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  const auto it = index_.find(name);
  if (it == index_.end()) {
    return std::nullopt;
  }
  return users_[it->second].verifier;
}

bool UserTable::contains(std::string_view name) const {
  std::shared_lock lock(mutex_);
  return index_.find(name) != index_.end();
}

std::vector<UserRecord> UserTable::list() const {
  std::shared_lock lock(mutex_);
  return users_;
}

void UserTable::put(std::string_view name, const auth::ScramVerifier& verifier) {
  std::unique_lock lock(mutex_);
  const auto it = index_.find(name);
  if (it != index_.end()) {
    users_[it->second].verifier = verifier;
    return;
  }
  users_.push_back(UserRecord{std::string(name), verifier});
  index_.emplace(std::string(name), users_.size() - 1);
}

bool UserTable::replace(std::string_view name, const auth::ScramVerifier& verifier) {
  std::unique_lock lock(mutex_);
  const auto it = index_.find(name);
  if (it == index_.end()) {
    return false;
  }
  users_[it->second].verifier = verifier;
  return true;
}

}  // namespace tsna
