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
      : capacity_(std::max<std::size_t>(limits.throttle_table_capacity, 1)), policy_(limits) {}

  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  // The end of the key's lock when it is locked at `now`; `counted` is set when the key has an
  // unexpired entry.
  std::optional<ThrottleTime> locked_until(std::string_view key, ThrottleTime now,
                                           bool& counted) const {
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.expiry->first <= now) {
      return std::nullopt;
    }
    counted = true;
    return ThrottlePolicy::locked_until(it->second.state, now);
  }

  void record_failure(std::string_view key, ThrottleTime now) {
    Entry* entry = nullptr;
    const ThrottleState* current = nullptr;
    if (const auto it = entries_.find(key); it != entries_.end()) {
      entry = &it->second;
      current = &entry->state;
      unlink(entry);
    } else {
      make_room(now);
      const auto [it_new, inserted] = entries_.try_emplace(std::string(key));
      entry = &it_new->second;
      entry->key = &it_new->first;
      entry->expiry = by_expiry_.emplace(now, entry);
    }
    link_last(entry);  // the newest last failure: the list stays ordered, as the clock is steady
    entry->state = policy_.after_failure(current, now);
    auto node = by_expiry_.extract(entry->expiry);
    node.key() = policy_.expiry(entry->state);
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
  using ExpiryIndex = std::multimap<ThrottleTime, Entry*>;

  struct Entry {
    const std::string* key = nullptr;  // the map's own key
    ThrottleState state;
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

  void make_room(ThrottleTime now) {
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
  const ThrottlePolicy policy_;
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

ThrottleTime LoginThrottle::now_us() const {
  return std::chrono::duration_cast<ThrottleTime>(clock_.now().time_since_epoch());
}

ThrottleCheck LoginThrottle::check(std::string_view address, std::string_view name) {
  ThrottleTime now;
  std::optional<ThrottleTime> until;
  ThrottleCheck result;
  {
    std::lock_guard lock(mutex_);
    now = now_us();
    if (!address.empty()) {
      until = addresses_->locked_until(address, now, result.counted);
    }
    if (!name.empty()) {
      if (const auto name_until = names_->locked_until(name, now, result.counted)) {
        until = until ? std::max(*until, *name_until) : *name_until;
      }
    }
  }
  if (until) {
    result.wait = ThrottlePolicy::seconds_left(*until, now);
  }
  return result;
}

void LoginThrottle::record_failure(std::string_view address, std::string_view name) {
  std::lock_guard lock(mutex_);
  // Read under the lock, so that failures reach the tables in clock order.
  const ThrottleTime now = now_us();
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
