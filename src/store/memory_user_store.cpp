// memory_user_store.cpp - the in-memory UserStore used by tests of the layers above the store.
// Depends only on the UserStore interface.
#include "store/memory_user_store.hpp"

#include <thread>

namespace tsna {

MemoryUserStore::MemoryUserStore(std::chrono::milliseconds write_delay)
    : write_delay_(write_delay) {}

std::optional<std::string> MemoryUserStore::find(std::string_view name) const {
  std::shared_lock lock(data_mutex_);
  const auto it = index_.find(name);
  if (it == index_.end()) {
    return std::nullopt;
  }
  return users_[it->second].hash;
}

AddResult MemoryUserStore::add(std::string_view name, std::string_view hash) {
  std::lock_guard writer(write_mutex_);
  if (write_delay_.count() > 0) {
    std::this_thread::sleep_for(write_delay_);
  }
  std::unique_lock lock(data_mutex_);
  if (index_.find(name) != index_.end()) {
    return AddResult::kExists;
  }
  users_.push_back(UserRecord{std::string(name), std::string(hash)});
  index_.emplace(std::string(name), users_.size() - 1);
  return AddResult::kAdded;
}

ChangeResult MemoryUserStore::change(std::string_view name, std::string_view hash) {
  std::lock_guard writer(write_mutex_);
  if (write_delay_.count() > 0) {
    std::this_thread::sleep_for(write_delay_);
  }
  std::unique_lock lock(data_mutex_);
  const auto it = index_.find(name);
  if (it == index_.end()) {
    return ChangeResult::kNoSuchUser;
  }
  users_[it->second].hash = std::string(hash);
  return ChangeResult::kChanged;
}

std::vector<UserRecord> MemoryUserStore::list() const {
  std::shared_lock lock(data_mutex_);
  return users_;
}

}  // namespace tsna
