// sqlite_user_store.hpp - the production UserStore: DATA_DIR/users.db (SQLite, WAL, mode 0600).
// The SQLite handles live in the .cpp; this header must not include sqlite3.h.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/user_store.hpp"

namespace tsna {

// What import_all did. On failure nothing was imported and `error` says why, e.g.
// "user bob already exists with a different hash".
struct ImportResult {
  bool ok = false;
  std::size_t imported = 0;  // rows added; names already present with the same hash are skipped
  std::string error;
};

class SqliteUserStore final : public UserStore {
 public:
  // Opens or creates DATA_DIR/users.db (the directory is created with mode 0700 if missing, the
  // database file is forced to mode 0600). Throws std::runtime_error with a message naming the
  // path and the cause if the directory or database cannot be opened or its schema is unknown.
  static std::unique_ptr<SqliteUserStore> open(const std::filesystem::path& data_dir);

  ~SqliteUserStore() override;
  SqliteUserStore(const SqliteUserStore&) = delete;
  SqliteUserStore& operator=(const SqliteUserStore&) = delete;

  // Answered from the in-memory cache; never touches SQLite.
  std::optional<std::string> find(std::string_view name) const override;
  // Block on the disk (synchronous=FULL). Callers pass a valid name and hash (SPEC 2.2); the
  // store does not check them again. Throw std::runtime_error on any SQLite failure.
  AddResult add(std::string_view name, std::string_view hash) override;
  ChangeResult change(std::string_view name, std::string_view hash) override;
  std::vector<UserRecord> list() const override;

  // Adds every record in one transaction, all or nothing (SPEC 4.1 import-users). A name that
  // is already stored with the same hash is skipped; with a different hash, or an invalid name
  // or hash, nothing is imported and the result names the offending user.
  ImportResult import_all(std::span<const UserRecord> records);

  // Copies the WAL into users.db and truncates it (PRAGMA wal_checkpoint(TRUNCATE)). If another
  // process is reading the database the checkpoint may be partial; that is not an error.
  void checkpoint();

 private:
  struct Impl;
  explicit SqliteUserStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tsna
