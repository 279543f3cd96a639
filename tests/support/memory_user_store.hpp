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
  // The decoy secret is 32 bytes of `decoy_fill`.
  explicit MemoryUserStore(std::chrono::milliseconds write_delay = std::chrono::milliseconds(0),
                           std::uint8_t decoy_fill = 0x5A);

  std::optional<auth::ScramVerifier> find(std::string_view name) const override;
  bool find_never_blocks() const override { return true; }
  AddResult add(std::string_view name, const auth::ScramVerifier& verifier) override;
  ChangeResult change(std::string_view name, const auth::ScramVerifier& verifier) override;
  std::vector<UserRecord> list() const override;
  DecoySecret decoy_secret() const override { return decoy_; }

 private:
  void delay() const;

  const std::chrono::milliseconds write_delay_;
  std::mutex write_mutex_;  // serialises writers, like the SQLite store's single connection
  UserTable table_;
  DecoySecret decoy_{};
};

}  // namespace tsna
