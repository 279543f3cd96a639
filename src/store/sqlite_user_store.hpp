// sqlite_user_store.hpp - the embedded UserStore: DATA_DIR/users.db (SQLite, WAL, mode 0600),
// schema version 2 (verifiers; version 1's hashes are migrated at open). The SQLite handles live
// in the .cpp; this header must not include sqlite3.h.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/random_source.hpp"
#include "store/user_file.hpp"
#include "store/user_store.hpp"

namespace tsna {

// What import_all did. On failure nothing was imported and `error` says why, e.g.
// "user bob already exists with a different password".
struct ImportResult {
  bool ok = false;
  std::size_t imported = 0;  // rows added; names already present with the same password skipped
  std::string error;
};

struct SqliteStoreOptions {
  // Iterations and salts of the verifiers the store makes itself (from version-1 hashes when it
  // migrates, from hashes in an imported users file).
  std::uint32_t iterations = auth::kDefaultScramIterations;
  RandomSource* random = nullptr;  // salts and the decoy secret; OpenSSL's when null
  // Called once per user whose hash a migration from schema version 1 turned into a verifier.
  std::function<void(const std::string& name)> on_migrated;
};

class SqliteUserStore final : public UserStore {
 public:
  // Opens or creates DATA_DIR/users.db (the directory is created with mode 0700 if missing, the
  // database file is forced to mode 0600). A version-1 database (password hashes) is migrated in
  // place, in one transaction: each hash becomes a verifier and no hash is kept. Throws
  // std::runtime_error with a message naming the path and the cause if the directory or database
  // cannot be opened or its schema is newer than this program's.
  static std::unique_ptr<SqliteUserStore> open(const std::filesystem::path& data_dir,
                                               const SqliteStoreOptions& options = {});

  ~SqliteUserStore() override;
  SqliteUserStore(const SqliteUserStore&) = delete;
  SqliteUserStore& operator=(const SqliteUserStore&) = delete;

  // Answered from the in-memory cache; never touches SQLite.
  std::optional<auth::ScramVerifier> find(std::string_view name) const override;
  bool find_never_blocks() const override { return true; }
  // Block on the disk (synchronous=FULL). Callers pass a valid name (SPEC 2.2); the store does
  // not check it again. Throw std::runtime_error on any SQLite failure.
  AddResult add(std::string_view name, const auth::ScramVerifier& verifier) override;
  ChangeResult change(std::string_view name, const auth::ScramVerifier& verifier) override;
  std::vector<UserRecord> list() const override;
  DecoySecret decoy_secret() const override;

  // Adds every entry in one transaction, all or nothing (SPEC 4.1 import-users); a hash entry
  // gets a verifier with a fresh salt. A name already stored with the same password (a hash
  // that its verifier matches, or the same verifier) is skipped; with another one, or an
  // invalid name, nothing is imported and the result names the offending user.
  ImportResult import_all(std::span<const UserFileEntry> entries);

  // Copies the WAL into users.db and truncates it (PRAGMA wal_checkpoint(TRUNCATE)). If another
  // process is reading the database the checkpoint may be partial; that is not an error.
  void checkpoint();

 private:
  struct Impl;
  explicit SqliteUserStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tsna
