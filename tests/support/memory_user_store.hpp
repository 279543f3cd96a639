// memory_user_store.hpp - a test double: a UserStore kept in memory, for tests of the layers
// above the store. It passes the store contract suite (nothing durable, optionally slow).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/user_store.hpp"
#include "store/user_table.hpp"

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
  void delay() const;

  const std::chrono::milliseconds write_delay_;
  std::mutex write_mutex_;  // serialises writers, like the SQLite store's single connection
  UserTable table_;
};

}  // namespace tsna
