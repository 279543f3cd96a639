// login_throttle.cpp - the two bounded lockout tables behind LoginThrottle (SPEC 4.4).
// Depends on common only: no OpenSSL, no sockets.
#include "auth/login_throttle.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>

namespace tsna::auth {

// One table of keys (addresses or names). Not thread safe: LoginThrottle serialises access.
class LoginThrottle::Table {
 public:
  explicit Table(const Limits& limits)
      : capacity_(std::max<std::size_t>(limits.throttle_table_capacity, 1)),
        threshold_(std::max(limits.failed_login_threshold, 1)),
        window_(limits.failed_login_window),
        backoff_start_(limits.backoff_start),
        backoff_max_(limits.backoff_max) {}

  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  // The end of the key's lock when it is locked at `now`.
  std::optional<SteadyTime> locked_until(std::string_view key, SteadyTime now) const {
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.locks == 0 || it->second.locked_until <= now) {
      return std::nullopt;
    }
    return it->second.locked_until;
  }

  void record_failure(std::string_view key, SteadyTime now) {
    Entry* entry = nullptr;
    bool restart = false;
    if (const auto it = entries_.find(key); it != entries_.end()) {
      entry = &it->second;
      restart = entry->expiry->first <= now;
      unlink(entry);
    } else {
      make_room(now);
      const auto [it_new, inserted] = entries_.try_emplace(std::string(key));
      entry = &it_new->second;
      entry->key = &it_new->first;
      entry->expiry = by_expiry_.emplace(now, entry);
      restart = true;
    }
    link_last(entry);  // the newest last failure: the list stays ordered, as the clock is steady

    if (restart) {
      entry->failures = 0;
      entry->locks = 0;
      entry->window_start = now;
    }
    if (entry->failures < threshold_) {
      ++entry->failures;
    }
    if (entry->failures >= threshold_) {
      entry->locked_until = now + backoff(entry->locks);
      entry->locks = std::min(entry->locks + 1, kMaxLocks);
    }
    auto node = by_expiry_.extract(entry->expiry);
    node.key() = (entry->locks > 0 ? entry->locked_until : entry->window_start) + window_;
    entry->expiry = by_expiry_.insert(std::move(node));
  }

  void erase(std::string_view key) {
    if (const auto it = entries_.find(key); it != entries_.end()) {
      erase(&it->second);
    }
  }

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry;
  // Expiry time -> entry: the moment from which the entry behaves as if it were absent.
  using ExpiryIndex = std::multimap<SteadyTime, Entry*>;

  struct Entry {
    const std::string* key = nullptr;  // the map's own key
    int failures = 0;                  // in the current window; saturates at the threshold
    int locks = 0;                     // locks since the entry (re)started; saturates
    SteadyTime window_start{};
    SteadyTime locked_until{};  // meaningful when locks > 0
    ExpiryIndex::iterator expiry;
    Entry* older = nullptr;  // neighbours in the list ordered by last failure
    Entry* newer = nullptr;
  };

  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };

  // Enough doublings to reach any cap; keeps the count from overflowing.
  static constexpr int kMaxLocks = 64;

  std::chrono::seconds backoff(int previous_locks) const {
    std::chrono::seconds lock = backoff_start_;
    for (int i = 0; i < previous_locks && lock < backoff_max_; ++i) {
      lock *= 2;
    }
    return std::min(lock, backoff_max_);
  }

  void make_room(SteadyTime now) {
    if (entries_.size() < capacity_) {
      return;
    }
    while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
      erase(by_expiry_.begin()->second);
    }
    if (entries_.size() >= capacity_) {
      erase(oldest_);
    }
  }

  void erase(Entry* entry) {
    unlink(entry);
    by_expiry_.erase(entry->expiry);
    entries_.erase(entries_.find(*entry->key));
  }

  void link_last(Entry* entry) {
    entry->older = newest_;
    entry->newer = nullptr;
    (newest_ != nullptr ? newest_->newer : oldest_) = entry;
    newest_ = entry;
  }

  void unlink(Entry* entry) {
    (entry->older != nullptr ? entry->older->newer : oldest_) = entry->newer;
    (entry->newer != nullptr ? entry->newer->older : newest_) = entry->older;
    entry->older = nullptr;
    entry->newer = nullptr;
  }

  const std::size_t capacity_;
  const int threshold_;
  const std::chrono::seconds window_;
  const std::chrono::seconds backoff_start_;
  const std::chrono::seconds backoff_max_;
  // Node-based: entries never move, so the pointers below stay valid until erased.
  std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> entries_;
  ExpiryIndex by_expiry_;
  Entry* oldest_ = nullptr;  // the entry with the oldest last failure
  Entry* newest_ = nullptr;
};

LoginThrottle::LoginThrottle(const Limits& limits, const Clock& clock)
    : clock_(clock),
      addresses_(std::make_unique<Table>(limits)),
      names_(std::make_unique<Table>(limits)) {}

LoginThrottle::~LoginThrottle() = default;

std::optional<std::chrono::seconds> LoginThrottle::blocked(std::string_view address,
                                                           std::string_view name) {
  SteadyTime now;
  std::optional<SteadyTime> until;
  {
    std::lock_guard lock(mutex_);
    now = clock_.now();
    if (!address.empty()) {
      until = addresses_->locked_until(address, now);
    }
    if (!name.empty()) {
      if (const auto name_until = names_->locked_until(name, now)) {
        until = until ? std::max(*until, *name_until) : *name_until;
      }
    }
  }
  if (!until) {
    return std::nullopt;
  }
  return std::chrono::ceil<std::chrono::seconds>(*until - now);
}

void LoginThrottle::record_failure(std::string_view address, std::string_view name) {
  std::lock_guard lock(mutex_);
  // Read under the lock, so that failures reach the tables in clock order.
  const SteadyTime now = clock_.now();
  if (!address.empty()) {
    addresses_->record_failure(address, now);
  }
  if (!name.empty()) {
    names_->record_failure(name, now);
  }
}

void LoginThrottle::record_success(std::string_view address, std::string_view name) {
  std::lock_guard lock(mutex_);
  if (!address.empty()) {
    addresses_->erase(address);
  }
  if (!name.empty()) {
    names_->erase(name);
  }
}

std::size_t LoginThrottle::size_for_test() const {
  std::lock_guard lock(mutex_);
  return addresses_->size() + names_->size();
}

}  // namespace tsna::auth
