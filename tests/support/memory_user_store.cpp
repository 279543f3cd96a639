// memory_user_store.cpp - the in-memory UserStore test double (memory_user_store.hpp).
#include "support/memory_user_store.hpp"

#include <thread>

namespace tsna {

MemoryUserStore::MemoryUserStore(std::chrono::milliseconds write_delay, std::uint8_t decoy_fill)
    : write_delay_(write_delay) {
  decoy_.fill(decoy_fill);
}

void MemoryUserStore::delay() const {
  if (write_delay_.count() > 0) {
    std::this_thread::sleep_for(write_delay_);
  }
}

std::optional<auth::ScramVerifier> MemoryUserStore::find(std::string_view name) const {
  return table_.find(name);
}

AddResult MemoryUserStore::add(std::string_view name, const auth::ScramVerifier& verifier) {
  std::lock_guard writer(write_mutex_);
  delay();
  if (table_.contains(name)) {
    return AddResult::kExists;
  }
  table_.put(name, verifier);
  return AddResult::kAdded;
}

ChangeResult MemoryUserStore::change(std::string_view name, const auth::ScramVerifier& verifier) {
  std::lock_guard writer(write_mutex_);
  delay();
  return table_.replace(name, verifier) ? ChangeResult::kChanged : ChangeResult::kNoSuchUser;
}

std::vector<UserRecord> MemoryUserStore::list() const {
  return table_.list();
}

}  // namespace tsna
