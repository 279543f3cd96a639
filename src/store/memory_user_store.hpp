// memory_user_store.hpp - a UserStore kept in memory, for tests of the layers above the store.
// Same semantics as SqliteUserStore, nothing durable. Depends only on the UserStore interface.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/user_store.hpp"

namespace tsna {

class MemoryUserStore final : public UserStore {
 public:
  // `write_delay` is slept by every add() and change() before it decides, holding the writer
  // lock (as the SQLite store holds it across its fsync), to simulate a slow disk. find() and
  // list() are never delayed.
  explicit MemoryUserStore(std::chrono::milliseconds write_delay = std::chrono::milliseconds(0));

  std::optional<std::string> find(std::string_view name) const override;
  AddResult add(std::string_view name, std::string_view hash) override;
  ChangeResult change(std::string_view name, std::string_view hash) override;
  std::vector<UserRecord> list() const override;

 private:
  // Lets find() look up a string_view without building a std::string.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const noexcept {
      return std::hash<std::string_view>{}(name);
    }
  };

  const std::chrono::milliseconds write_delay_;
  std::mutex write_mutex_;  // serialises writers, like the SQLite store's single connection
  mutable std::shared_mutex data_mutex_;
  std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>> index_;  // -> users_
  std::vector<UserRecord> users_;  // registration order
};

}  // namespace tsna
