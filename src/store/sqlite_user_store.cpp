// sqlite_user_store.cpp - UserStore on SQLite: RAII handles, schema version 2 and the migration
// from version 1, one writer connection behind a mutex, and an in-memory cache that answers
// find() and list().
// The only file of TSNA that includes sqlite3.h besides tests; depends on common only.
#include "store/sqlite_user_store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "auth/openssl_random.hpp"
#include "common/credentials.hpp"
#include "common/os_error.hpp"
#include "store/data_dir.hpp"
#include "store/user_table.hpp"

namespace tsna {
namespace {

constexpr int kSchemaVersion = 2;
constexpr int kBusyTimeoutMs = 5000;
constexpr mode_t kFileMode = 0600;

// Version 2: a verifier (PostgreSQL's text form) per user, no hash; settings holds the decoy
// secret. Version 1 had users(id, name, hash, created_at, updated_at).
constexpr const char* kCreateUsers =
    "CREATE TABLE users("
    "id INTEGER PRIMARY KEY, "
    "name TEXT NOT NULL UNIQUE, "
    "verifier TEXT NOT NULL, "
    "created_at INTEGER NOT NULL, "
    "updated_at INTEGER NOT NULL)";
constexpr const char* kCreateSettings =
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value BLOB NOT NULL)";
constexpr std::string_view kDecoySecretKey = "decoy_secret";

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct DbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;

// One prepared statement, finalized on destruction. Not thread safe: used under the writer
// mutex only.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& path, std::string_view sql) : db_(db), path_(path) {
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) {
      fail("cannot prepare \"" + std::string(sql) + "\"");
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds UTF-8 text with its exact length (no NUL search, byte-exact).
  void bind_text(int index, std::string_view text) {
    check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT),
          "cannot bind a parameter");
  }
  void bind_int64(int index, std::int64_t value) {
    check(sqlite3_bind_int64(stmt_, index, value), "cannot bind a parameter");
  }
  void bind_blob(int index, std::span<const std::uint8_t> bytes) {
    check(sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                            SQLITE_TRANSIENT),
          "cannot bind a parameter");
  }

  // SQLITE_ROW, SQLITE_DONE or the error code; the caller decides, or calls fail().
  int step() { return sqlite3_step(stmt_); }

  // Steps once, expecting the statement to finish.
  void run(std::string_view what) {
    if (step() != SQLITE_DONE) {
      fail(what);
    }
  }

  std::string_view column_text(int index) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
    const int size = sqlite3_column_bytes(stmt_, index);
    return text == nullptr ? std::string_view() : std::string_view(text, size);
  }
  std::span<const std::uint8_t> column_blob(int index) {
    const auto* bytes = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, index));
    const int size = sqlite3_column_bytes(stmt_, index);
    return bytes == nullptr ? std::span<const std::uint8_t>()
                            : std::span<const std::uint8_t>(bytes, static_cast<std::size_t>(size));
  }
  std::int64_t column_int64(int index) { return sqlite3_column_int64(stmt_, index); }

  // Drops bindings and the statement's read state so it can be stepped again.
  void reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  [[noreturn]] void fail(std::string_view what) const {
    throw std::runtime_error(path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
  }

 private:
  void check(int rc, std::string_view what) const {
    if (rc != SQLITE_OK) {
      fail(what);
    }
  }

  sqlite3* db_;
  const std::string& path_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement when the scope ends, after any error message has been read.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& statement_;
};

// The first column of the first row of `sql`; throws "PATH: WHAT: <sqlite error>" on failure.
std::string query_one(sqlite3* db, const std::string& path, const char* sql,
                      std::string_view what) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(raw);
  }
  if (rc != SQLITE_ROW) {
    throw std::runtime_error(path + ": " + std::string(what) + ": " + sqlite3_errmsg(db));
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
  return text == nullptr ? std::string() : std::string(text);
}

void exec(sqlite3* db, const std::string& path, const char* sql, std::string_view what) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    throw std::runtime_error(path + ": " + std::string(what) + ": " + text);
  }
}

// Creates the database file with mode 0600 before SQLite sees it (SQLite gives the -wal and
// -shm files the database file's mode), and forces 0600 on a file that already exists.
void ensure_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, kFileMode);
  if (fd < 0) {
    const int err = errno;
    throw_os_error(path, "cannot open", err);
  }
  const int rc = ::fchmod(fd, kFileMode);
  const int err = errno;
  ::close(fd);
  if (rc != 0) {
    throw_os_error(path, "cannot set mode 0600", err);
  }
}

// Tightens -wal/-shm files left by an earlier run with looser permissions.
void tighten_sidecar(const std::string& path) {
  if (::chmod(path.c_str(), kFileMode) != 0) {
    const int err = errno;
    if (err != ENOENT) {
      throw_os_error(path, "cannot set mode 0600", err);
    }
  }
}

// The one connection that writes, and its statements. Used under Impl::write_mutex only.
struct Writer {
  std::string path;  // DATA_DIR/users.db, for error messages
  DbHandle db;
  // Declared after `db` so they are finalized before it closes.
  std::unique_ptr<Statement> begin;
  std::unique_ptr<Statement> commit;
  std::unique_ptr<Statement> rollback;
  std::unique_ptr<Statement> insert;
  std::unique_ptr<Statement> update;
  std::unique_ptr<Statement> select_verifier;

  std::unique_ptr<Statement> prepare(std::string_view sql) {
    return std::make_unique<Statement>(db.get(), path, sql);
  }
};

// BEGIN IMMEDIATE ... COMMIT; rolls back if the scope ends without commit().
class Transaction {
 public:
  explicit Transaction(Writer& writer) : writer_(writer) {
    ResetOnExit reset(*writer_.begin);
    writer_.begin->run("cannot begin a transaction");
  }
  ~Transaction() {
    if (!committed_ && sqlite3_get_autocommit(writer_.db.get()) == 0) {
      writer_.rollback->step();  // best effort; on failure SQLite has already rolled back
      writer_.rollback->reset();
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit() {
    ResetOnExit reset(*writer_.commit);
    writer_.commit->run("cannot commit");
    committed_ = true;
  }

 private:
  Writer& writer_;
  bool committed_ = false;
};

// A verifier read back from the database; a row that does not parse is corruption.
auth::ScramVerifier stored_verifier(const std::string& path, std::string_view name,
                                    std::string_view text) {
  std::optional<auth::ScramVerifier> v = auth::parse_verifier(text);
  if (!v) {
    throw std::runtime_error(path + ": user " + std::string(name) + ": unreadable verifier");
  }
  return std::move(*v);
}

auth::ScramVerifier new_verifier(std::string_view scram_password, RandomSource& random,
                                 std::uint32_t iterations) {
  std::array<std::uint8_t, auth::kScramSaltBytes> salt{};
  random.fill(salt);
  return auth::derive_verifier(scram_password, salt, iterations);
}

void create_settings(sqlite3* db, const std::string& path, RandomSource& random) {
  exec(db, path, kCreateSettings, "cannot create the schema");
  DecoySecret secret{};
  random.fill(secret);
  Statement insert(db, path, "INSERT INTO settings(key, value) VALUES(?1, ?2)");
  insert.bind_text(1, kDecoySecretKey);
  insert.bind_blob(2, secret);
  insert.run("cannot store the decoy secret");
}

// Version 1 -> 2, inside the caller's transaction: every hash becomes a verifier with a fresh
// salt, rows keep their ids (the registration order) and timestamps, and the hash column goes
// with the old table.
void migrate_from_version_1(sqlite3* db, const std::string& path, const SqliteStoreOptions& options,
                            RandomSource& random) {
  exec(db, path,
       "CREATE TABLE users_v2(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
       "verifier TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)",
       "cannot migrate from schema version 1");
  std::vector<std::string> migrated;
  {
    Statement read(db, path,
                   "SELECT id, name, hash, created_at, updated_at FROM users ORDER BY id");
    Statement write(db, path,
                    "INSERT INTO users_v2(id, name, verifier, created_at, updated_at) "
                    "VALUES(?1, ?2, ?3, ?4, ?5)");
    int step = SQLITE_ROW;
    while ((step = read.step()) == SQLITE_ROW) {
      const std::string name(read.column_text(1));
      const auth::ScramVerifier v = new_verifier(read.column_text(2), random, options.iterations);
      ResetOnExit reset(write);
      write.bind_int64(1, read.column_int64(0));
      write.bind_text(2, name);
      write.bind_text(3, auth::format_verifier(v));
      write.bind_int64(4, read.column_int64(3));
      write.bind_int64(5, read.column_int64(4));
      write.run("cannot migrate a user");
      migrated.push_back(name);
    }
    if (step != SQLITE_DONE) {
      read.fail("cannot read the version 1 users");
    }
  }
  exec(db, path, "DROP TABLE users", "cannot migrate from schema version 1");
  exec(db, path, "ALTER TABLE users_v2 RENAME TO users", "cannot migrate from schema version 1");
  create_settings(db, path, random);
  if (options.on_migrated) {
    for (const std::string& name : migrated) {
      options.on_migrated(name);
    }
  }
}

}  // namespace

struct SqliteUserStore::Impl {
  SqliteStoreOptions options;
  auth::OpenSslRandom own_random;
  RandomSource* random = nullptr;

  std::mutex write_mutex;
  Writer writer;
  DecoySecret decoy{};

  // What is committed, in registration order; changed only after a commit. find() and list()
  // read only this.
  UserTable cache;
};

SqliteUserStore::SqliteUserStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteUserStore::~SqliteUserStore() = default;

std::unique_ptr<SqliteUserStore> SqliteUserStore::open(const std::filesystem::path& data_dir,
                                                       const SqliteStoreOptions& options) {
  ensure_private_directory(data_dir);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->random = options.random != nullptr ? options.random : &impl->own_random;
  impl->writer.path = (data_dir / "users.db").string();
  const std::string& path = impl->writer.path;
  ensure_private_file(path);

  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  impl->writer.db.reset(raw);
  if (rc != SQLITE_OK) {
    throw std::runtime_error(
        path + ": cannot open: " + (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3* db = impl->writer.db.get();
  sqlite3_busy_timeout(db, kBusyTimeoutMs);

  const std::string journal_mode =
      query_one(db, path, "PRAGMA journal_mode=WAL", "cannot set journal_mode=WAL");
  if (journal_mode != "wal") {
    throw std::runtime_error(
        path + ": cannot set journal_mode=WAL: SQLite kept journal_mode=" + journal_mode);
  }
  exec(db, path, "PRAGMA synchronous=FULL", "cannot set synchronous=FULL");
  // Deleted rows (version 1's hashes after the migration, a verifier replaced by changepwd)
  // are overwritten with zeros, not left in free pages; Debian's default, set here for any build.
  exec(db, path, "PRAGMA secure_delete=ON", "cannot set secure_delete=ON");

  impl->writer.begin = impl->writer.prepare("BEGIN IMMEDIATE");
  impl->writer.commit = impl->writer.prepare("COMMIT");
  impl->writer.rollback = impl->writer.prepare("ROLLBACK");

  {
    Transaction tx(impl->writer);
    const int version =
        std::stoi(query_one(db, path, "PRAGMA user_version", "cannot read the schema version"));
    if (version > kSchemaVersion) {
      throw std::runtime_error(path + ": schema version " + std::to_string(version) +
                               " is newer than this program supports (" +
                               std::to_string(kSchemaVersion) + ")");
    }
    if (version == 0) {
      exec(db, path, kCreateUsers, "cannot create the schema");
      create_settings(db, path, *impl->random);
    } else if (version == 1) {
      migrate_from_version_1(db, path, impl->options, *impl->random);
    }
    if (version < kSchemaVersion) {
      exec(db, path, "PRAGMA user_version=2", "cannot set the schema version");
    }
    tx.commit();
  }

  impl->writer.insert = impl->writer.prepare(
      "INSERT INTO users(name, verifier, created_at, updated_at) VALUES(?1, ?2, ?3, ?3)");
  impl->writer.update =
      impl->writer.prepare("UPDATE users SET verifier = ?2, updated_at = ?3 WHERE name = ?1");
  impl->writer.select_verifier = impl->writer.prepare("SELECT verifier FROM users WHERE name = ?1");

  {
    Statement load(db, path, "SELECT value FROM settings WHERE key = ?1");
    load.bind_text(1, kDecoySecretKey);
    if (load.step() != SQLITE_ROW || load.column_blob(0).size() != impl->decoy.size()) {
      throw std::runtime_error(path + ": the decoy secret is missing or damaged");
    }
    std::copy_n(load.column_blob(0).begin(), impl->decoy.size(), impl->decoy.begin());
  }
  {
    Statement load(db, path, "SELECT name, verifier FROM users ORDER BY id");
    int step = SQLITE_ROW;
    while ((step = load.step()) == SQLITE_ROW) {
      impl->cache.put(load.column_text(0),
                      stored_verifier(path, load.column_text(0), load.column_text(1)));
    }
    if (step != SQLITE_DONE) {
      load.fail("cannot load the users");
    }
  }

  tighten_sidecar(path + "-wal");
  tighten_sidecar(path + "-shm");
  return std::unique_ptr<SqliteUserStore>(new SqliteUserStore(std::move(impl)));
}

std::optional<auth::ScramVerifier> SqliteUserStore::find(std::string_view name) const {
  return impl_->cache.find(name);
}

std::vector<UserRecord> SqliteUserStore::list() const {
  return impl_->cache.list();
}

DecoySecret SqliteUserStore::decoy_secret() const {
  return impl_->decoy;
}

AddResult SqliteUserStore::add(std::string_view name, const auth::ScramVerifier& verifier) {
  std::lock_guard lock(impl_->write_mutex);
  Transaction tx(impl_->writer);
  Statement& insert = *impl_->writer.insert;
  {
    ResetOnExit reset(insert);
    insert.bind_text(1, name);
    insert.bind_text(2, auth::format_verifier(verifier));
    insert.bind_int64(3, unix_now());
    const int rc = insert.step();
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
      return AddResult::kExists;  // the UNIQUE name; the transaction rolls back
    }
    if (rc != SQLITE_DONE) {
      insert.fail("cannot add a user");
    }
  }
  tx.commit();
  impl_->cache.put(name, verifier);
  return AddResult::kAdded;
}

ChangeResult SqliteUserStore::change(std::string_view name, const auth::ScramVerifier& verifier) {
  std::lock_guard lock(impl_->write_mutex);
  Transaction tx(impl_->writer);
  Statement& update = *impl_->writer.update;
  {
    ResetOnExit reset(update);
    update.bind_text(1, name);
    update.bind_text(2, auth::format_verifier(verifier));
    update.bind_int64(3, unix_now());
    update.run("cannot change a verifier");
  }
  if (sqlite3_changes(impl_->writer.db.get()) == 0) {
    return ChangeResult::kNoSuchUser;
  }
  tx.commit();
  impl_->cache.put(name, verifier);  // put: the row may have been added by another process
  return ChangeResult::kChanged;
}

ImportResult SqliteUserStore::import_all(std::span<const UserFileEntry> entries) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!is_valid_username(entries[i].name)) {
      return {false, 0, "record " + std::to_string(i + 1) + ": invalid username"};
    }
    if (!entries[i].verifier && !is_password_hash(entries[i].hash)) {
      return {false, 0, "record " + std::to_string(i + 1) + ": invalid password hash"};
    }
  }

  std::lock_guard lock(impl_->write_mutex);
  Transaction tx(impl_->writer);
  std::vector<UserRecord> added;
  for (const UserFileEntry& entry : entries) {
    // The query sees rows this transaction inserted, so a repeated name is handled too.
    Statement& select = *impl_->writer.select_verifier;
    {
      ResetOnExit reset(select);
      select.bind_text(1, entry.name);
      const int rc = select.step();
      if (rc == SQLITE_ROW) {
        const auth::ScramVerifier stored =
            stored_verifier(impl_->writer.path, entry.name, select.column_text(0));
        const bool same =
            entry.verifier ? *entry.verifier == stored : auth::password_matches(stored, entry.hash);
        if (same) {
          continue;
        }
        return {false, 0, "user " + entry.name + " already exists with a different password"};
      }
      if (rc != SQLITE_DONE) {
        select.fail("cannot look up a user");
      }
    }
    UserRecord record{entry.name, entry.verifier ? *entry.verifier
                                                 : new_verifier(entry.hash, *impl_->random,
                                                                impl_->options.iterations)};
    Statement& insert = *impl_->writer.insert;
    ResetOnExit reset(insert);
    insert.bind_text(1, record.name);
    insert.bind_text(2, auth::format_verifier(record.verifier));
    insert.bind_int64(3, unix_now());
    insert.run("cannot add a user");
    added.push_back(std::move(record));
  }
  tx.commit();
  for (const UserRecord& record : added) {
    impl_->cache.put(record.name, record.verifier);
  }
  return {true, added.size(), ""};
}

void SqliteUserStore::checkpoint() {
  std::lock_guard lock(impl_->write_mutex);
  const int rc = sqlite3_wal_checkpoint_v2(impl_->writer.db.get(), nullptr,
                                           SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    throw std::runtime_error(impl_->writer.path +
                             ": checkpoint failed: " + sqlite3_errmsg(impl_->writer.db.get()));
  }
}

}  // namespace tsna
