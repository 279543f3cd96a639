// sqlite_user_store_test.cpp - what SqliteUserStore adds to the UserStore contract
// (user_store_contract_test.cpp): kill -9 durability, all-or-nothing import, file modes, schema.
// Uses a fresh /tmp directory per test; sqlite3.h only to inspect or tamper with the database from
// outside the store.
#include "store/sqlite_user_store.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"
#include "support/test_verifiers.hpp"

namespace tsna {
namespace {

// SCRAM passwords (ntlm_hash outputs) and hand-made verifiers.
constexpr const char* kPassword123 = "b3358c3dc3c4b063dd668b7f6620c3d2";     // ntlm_hash("123")
constexpr const char* kPassword123456 = "910f4aff69c6c642b3756489bb81a945";  // ntlm_hash("123456")
using contract::kVerifierA;
using contract::kVerifierB;
using contract::kVerifierC;

using testing::TempDir;

// Permission bits, or -1 if the file does not exist.
int mode_of(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return -1;
  }
  return static_cast<int>(st.st_mode & 07777);
}

// Runs SQL on users.db through a connection of its own, as another process would.
void run_sql(const std::filesystem::path& db_path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK)
      << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// The first column of the first row of `sql`, as text.
std::string query_text(const std::filesystem::path& db_path, const char* sql) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open(db_path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

std::string open_error(const std::filesystem::path& data_dir) {
  try {
    SqliteUserStore::open(data_dir);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no exception";
}

TEST(SqliteUserStore, OpenCreatesAPrivateDataDirAndAnEmptyStore) {
  TempDir tmp;
  const auto data = tmp.path() / "a" / "data";
  auto store = SqliteUserStore::open(data);
  EXPECT_EQ(mode_of(data), 0700);
  EXPECT_EQ(store->list(), std::vector<UserRecord>{});
  EXPECT_EQ(store->find("bb"), std::nullopt);
}

TEST(SqliteUserStore, DatabaseWalAndShmFilesHaveMode0600) {
  TempDir tmp;
  auto store = SqliteUserStore::open(tmp.path());
  ASSERT_EQ(store->add("bb", kVerifierA), AddResult::kAdded);
  EXPECT_EQ(mode_of(tmp.path() / "users.db"), 0600);
  EXPECT_EQ(mode_of(tmp.path() / "users.db-wal"), 0600);
  EXPECT_EQ(mode_of(tmp.path() / "users.db-shm"), 0600);
}

TEST(SqliteUserStore, ExistingWorldReadableDatabaseIsTightenedTo0600) {
  TempDir tmp;
  SqliteUserStore::open(tmp.path())->add("bb", kVerifierA);
  ASSERT_EQ(::chmod((tmp.path() / "users.db").c_str(), 0644), 0);
  auto store = SqliteUserStore::open(tmp.path());
  EXPECT_EQ(mode_of(tmp.path() / "users.db"), 0600);
  EXPECT_EQ(store->find("bb"), kVerifierA);
}

TEST(SqliteUserStore, ClosingRemovesTheWal) {
  TempDir tmp;
  SqliteUserStore::open(tmp.path())->add("bb", kVerifierA);
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "users.db-wal"));
  EXPECT_EQ(SqliteUserStore::open(tmp.path())->find("bb"), kVerifierA);
}

TEST(SqliteUserStore, CommittedAddSurvivesKill9) {
  TempDir tmp;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // No gtest in the child: it adds, then dies without closing anything.
    try {
      auto store = SqliteUserStore::open(tmp.path());
      if (store->add("bb", kVerifierA) == AddResult::kAdded &&
          store->change("bb", kVerifierB) == ChangeResult::kChanged) {
        ::raise(SIGKILL);
      }
    } catch (...) {
    }
    ::_exit(1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_TRUE(std::filesystem::exists(tmp.path() / "users.db-wal"));
  EXPECT_EQ(SqliteUserStore::open(tmp.path())->find("bb"), kVerifierB);
}

UserFileEntry hash_entry(std::string name, std::string hash) {
  return UserFileEntry{std::move(name), std::move(hash), std::nullopt};
}

UserFileEntry verifier_entry(std::string name, const auth::ScramVerifier& v) {
  return UserFileEntry{std::move(name), "", v};
}

TEST(SqliteUserStore, ImportAllAddsEveryEntryInOrderAndHashesBecomeVerifiers) {
  TempDir tmp;
  const std::vector<UserFileEntry> entries = {hash_entry("bb", kPassword123),
                                              verifier_entry("haibin", kVerifierB),
                                              hash_entry("bin", kPassword123456)};
  std::vector<UserRecord> listed;
  {
    auto store = SqliteUserStore::open(tmp.path());
    const ImportResult result = store->import_all(entries);
    EXPECT_TRUE(result.ok);
    EXPECT_EQ(result.imported, 3u);
    EXPECT_EQ(result.error, "");
    listed = store->list();
    ASSERT_EQ(listed.size(), 3u);
    EXPECT_EQ(listed[0].name, "bb");
    EXPECT_EQ(listed[1], (UserRecord{"haibin", kVerifierB}));  // a verifier is kept as given
    EXPECT_EQ(listed[2].name, "bin");
    // A hash entry got a fresh verifier for that hash, with a 16-byte salt.
    EXPECT_TRUE(auth::password_matches(listed[0].verifier, kPassword123));
    EXPECT_FALSE(auth::password_matches(listed[0].verifier, kPassword123456));
    EXPECT_EQ(listed[0].verifier.salt.size(), 16u);
    EXPECT_EQ(listed[0].verifier.iterations, 4096u);
    EXPECT_NE(listed[0].verifier.salt, listed[2].verifier.salt);
  }
  EXPECT_EQ(SqliteUserStore::open(tmp.path())->list(), listed);
}

TEST(SqliteUserStore, ImportAllSkipsNamesAlreadyStoredWithTheSamePassword) {
  TempDir tmp;
  auto store = SqliteUserStore::open(tmp.path());
  store->add("haibin", kVerifierB);
  const auth::ScramVerifier haibin123 =
      auth::derive_verifier(kPassword123, std::vector<std::uint8_t>(16, 9), 4096);
  store->add("carol", haibin123);
  const std::vector<UserFileEntry> entries = {
      hash_entry("bb", kPassword123), verifier_entry("haibin", kVerifierB),
      hash_entry("carol", kPassword123), hash_entry("bb", kPassword123)};
  const ImportResult result = store->import_all(entries);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.imported, 1u);
  const std::vector<UserRecord> all = store->list();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], (UserRecord{"haibin", kVerifierB}));
  EXPECT_EQ(all[1], (UserRecord{"carol", haibin123}));
  EXPECT_EQ(all[2].name, "bb");
}

TEST(SqliteUserStore, ImportAllWithAConflictingPasswordImportsNothing) {
  TempDir tmp;
  {
    auto store = SqliteUserStore::open(tmp.path());
    store->add("haibin", kVerifierB);
    const std::vector<UserFileEntry> entries = {hash_entry("bb", kPassword123),
                                                verifier_entry("haibin", kVerifierC),
                                                hash_entry("bin", kPassword123)};
    const ImportResult result = store->import_all(entries);
    EXPECT_FALSE(result.ok);
    EXPECT_EQ(result.imported, 0u);
    EXPECT_EQ(result.error, "user haibin already exists with a different password");
    EXPECT_EQ(store->find("bb"), std::nullopt);
    EXPECT_EQ(store->list(), (std::vector<UserRecord>{{"haibin", kVerifierB}}));
    // The rolled-back import left the connection usable.
    EXPECT_EQ(store->add("bb", kVerifierA), AddResult::kAdded);
    // A hash that the stored verifier does not match conflicts too.
    const std::vector<UserFileEntry> by_hash = {hash_entry("haibin", kPassword123)};
    EXPECT_EQ(store->import_all(by_hash).error,
              "user haibin already exists with a different password");
  }
  EXPECT_EQ(SqliteUserStore::open(tmp.path())->list(),
            (std::vector<UserRecord>{{"haibin", kVerifierB}, {"bb", kVerifierA}}));
}

TEST(SqliteUserStore, ImportAllWithOneNameTwiceWithDifferentPasswordsImportsNothing) {
  TempDir tmp;
  auto store = SqliteUserStore::open(tmp.path());
  const std::vector<UserFileEntry> entries = {hash_entry("bb", kPassword123),
                                              hash_entry("bin", kPassword123),
                                              hash_entry("bb", kPassword123456)};
  const ImportResult result = store->import_all(entries);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.imported, 0u);
  EXPECT_EQ(result.error, "user bb already exists with a different password");
  EXPECT_EQ(store->list(), std::vector<UserRecord>{});
  store.reset();
  EXPECT_EQ(SqliteUserStore::open(tmp.path())->list(), std::vector<UserRecord>{});
}

TEST(SqliteUserStore, ImportAllRejectsAnInvalidEntryBeforeWriting) {
  TempDir tmp;
  auto store = SqliteUserStore::open(tmp.path());
  const std::vector<UserFileEntry> bad_hash = {
      hash_entry("bb", kPassword123), hash_entry("bin", "398A9E7F3E20DC9FFEF104303826ED6D")};
  ImportResult result = store->import_all(bad_hash);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "record 2: invalid password hash");
  const std::vector<UserFileEntry> bad_name = {hash_entry("b b", kPassword123)};
  result = store->import_all(bad_name);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "record 1: invalid username");
  EXPECT_EQ(store->list(), std::vector<UserRecord>{});
}

TEST(SqliteUserStore, CheckpointEmptiesTheWal) {
  TempDir tmp;
  auto store = SqliteUserStore::open(tmp.path());
  store->add("bb", kVerifierA);
  const auto wal = tmp.path() / "users.db-wal";
  EXPECT_GT(std::filesystem::file_size(wal), 0u);
  store->checkpoint();
  EXPECT_EQ(std::filesystem::file_size(wal), 0u);
  EXPECT_EQ(mode_of(wal), 0600);
  store->add("bin", kVerifierC);
  store.reset();
  EXPECT_EQ(SqliteUserStore::open(tmp.path())->list(),
            (std::vector<UserRecord>{{"bb", kVerifierA}, {"bin", kVerifierC}}));
}

TEST(SqliteUserStore, SchemaIsVersionTwoWithVerifiersTimestampsAndADecoySecret) {
  TempDir tmp;
  DecoySecret secret{};
  {
    auto store = SqliteUserStore::open(tmp.path());
    store->add("bb", kVerifierA);
    secret = store->decoy_secret();
  }
  const auto db = tmp.path() / "users.db";
  EXPECT_EQ(query_text(db, "PRAGMA user_version"), "2");
  EXPECT_EQ(query_text(db, "PRAGMA journal_mode"), "wal");
  // The verifier in PostgreSQL's text form, and no hash column at all.
  EXPECT_EQ(query_text(db, "SELECT typeof(name) || ' ' || verifier FROM users"),
            "text SCRAM-SHA-256$4097:AQEBAQEBAQEBAQEBAQEBAQ==$"
            "ERERERERERERERERERERERERERERERERERERERERERE=:"
            "ISEhISEhISEhISEhISEhISEhISEhISEhISEhISEhISE=");
  EXPECT_EQ(query_text(db, "SELECT count(*) FROM pragma_table_info('users') WHERE name = 'hash'"),
            "0");
  EXPECT_EQ(query_text(db, "SELECT created_at = updated_at AND created_at > 1700000000 FROM users"),
            "1");
  EXPECT_EQ(query_text(db, "SELECT length(value) FROM settings WHERE key = 'decoy_secret'"), "32");
  EXPECT_NE(secret, DecoySecret{});
}

// The schema this program wrote before verifiers (version 1), by hand, as an old release left it.
void write_version_1_database(const std::filesystem::path& db_path) {
  run_sql(db_path,
          "PRAGMA journal_mode=WAL;"
          "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
          "hash TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
          "INSERT INTO users(name, hash, created_at, updated_at) VALUES"
          " ('zed', 'b3358c3dc3c4b063dd668b7f6620c3d2', 1700000001, 1700000005),"
          " ('haibin', '910f4aff69c6c642b3756489bb81a945', 1700000002, 1700000002),"
          " ('\xe2\x85\xa8', 'b3358c3dc3c4b063dd668b7f6620c3d2', 1700000003, 1700000003);"
          "PRAGMA user_version=1;");
}

TEST(SqliteUserStore, VersionOneDatabaseIsMigratedInPlaceKeepingEveryUserAndNoHash) {
  TempDir tmp;
  const auto db = tmp.path() / "users.db";
  write_version_1_database(db);
  std::vector<std::string> migrated;
  SqliteStoreOptions options;
  options.iterations = 5000;
  options.on_migrated = [&](const std::string& name) { migrated.push_back(name); };
  {
    auto store = SqliteUserStore::open(tmp.path(), options);
    const std::vector<UserRecord> users = store->list();
    ASSERT_EQ(users.size(), 3u);
    EXPECT_EQ(users[0].name, "zed");
    EXPECT_EQ(users[1].name, "haibin");
    EXPECT_EQ(users[2].name, "\xe2\x85\xa8");
    EXPECT_TRUE(auth::password_matches(users[0].verifier, kPassword123));
    EXPECT_TRUE(auth::password_matches(users[1].verifier, kPassword123456));
    EXPECT_FALSE(auth::password_matches(users[1].verifier, kPassword123));
    EXPECT_EQ(users[1].verifier.iterations, 5000u);
  }
  EXPECT_EQ(migrated, (std::vector<std::string>{"zed", "haibin", "\xe2\x85\xa8"}));
  EXPECT_EQ(query_text(db, "PRAGMA user_version"), "2");
  EXPECT_EQ(query_text(db,
                       "SELECT group_concat(id || ':' || created_at || ':' || updated_at, ' ') "
                       "FROM users ORDER BY id"),
            "1:1700000001:1700000005 2:1700000002:1700000002 3:1700000003:1700000003");
  // Nothing stored is a hash any more.
  EXPECT_EQ(query_text(db,
                       "SELECT count(*) FROM users WHERE verifier LIKE '%910f4aff%' OR "
                       "verifier LIKE '%b3358c3d%'"),
            "0");
  // A second open finds version 2 and migrates nothing.
  migrated.clear();
  SqliteUserStore::open(tmp.path(), options);
  EXPECT_TRUE(migrated.empty());
}

TEST(SqliteUserStore, NewerSchemaVersionIsRefused) {
  TempDir tmp;
  SqliteUserStore::open(tmp.path());
  run_sql(tmp.path() / "users.db", "PRAGMA user_version=3");
  EXPECT_EQ(open_error(tmp.path()),
            (tmp.path() / "users.db").string() +
                ": schema version 3 is newer than this program supports (2)");
}

TEST(SqliteUserStore, UnreadableVerifierIsReportedAtOpen) {
  TempDir tmp;
  SqliteUserStore::open(tmp.path())->add("bb", kVerifierA);
  run_sql(tmp.path() / "users.db",
          "UPDATE users SET verifier = 'b3358c3dc3c4b063dd668b7f6620c3d2'");
  EXPECT_EQ(open_error(tmp.path()),
            (tmp.path() / "users.db").string() + ": user bb: unreadable verifier");
}

TEST(SqliteUserStore, FileThatIsNotADatabaseIsRefused) {
  TempDir tmp;
  std::ofstream(tmp.path() / "users.db") << std::string(4096, 'x');
  EXPECT_EQ(open_error(tmp.path()), (tmp.path() / "users.db").string() +
                                        ": cannot set journal_mode=WAL: file is not a database");
}

TEST(SqliteUserStore, DataDirThatIsAFileIsRefused) {
  TempDir tmp;
  const auto file = tmp.path() / "file";
  std::ofstream(file) << "x";
  EXPECT_EQ(open_error(file), file.string() + ": not a directory");
}

TEST(SqliteUserStore, FindAndListAnswerFromMemoryNotFromTheDatabase) {
  TempDir tmp;
  auto store = SqliteUserStore::open(tmp.path());
  store->add("bb", kVerifierA);
  // Another connection empties the table; the store's answers come from its cache.
  run_sql(tmp.path() / "users.db", "DELETE FROM users");
  EXPECT_EQ(store->find("bb"), kVerifierA);
  EXPECT_EQ(store->list(), (std::vector<UserRecord>{{"bb", kVerifierA}}));
}

}  // namespace
}  // namespace tsna
