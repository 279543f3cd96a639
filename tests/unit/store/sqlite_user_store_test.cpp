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

namespace tsna {
namespace {

constexpr const char* kHashA = "b3358c3dc3c4b063dd668b7f6620c3d2";
constexpr const char* kHashB = "910f4aff69c6c642b3756489bb81a945";
constexpr const char* kHashC = "398a9e7f3e20dc9ffef104303826ed6d";

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
  ASSERT_EQ(store->add("bb", kHashA), AddResult::kAdded);
  EXPECT_EQ(mode_of(tmp.path() / "users.db"), 0600);
  EXPECT_EQ(mode_of(tmp.path() / "users.db-wal"), 0600);
  EXPECT_EQ(mode_of(tmp.path() / "users.db-shm"), 0600);
}

TEST(SqliteUserStore, ExistingWorldReadableDatabaseIsTightenedTo0600) {
  TempDir tmp;
  SqliteUserStore::open(tmp.path())->add("bb", kHashA);
  ASSERT_EQ(::chmod((tmp.path() / "users.db").c_str(), 0644), 0);
  auto store = SqliteUserStore::open(tmp.path());
  EXPECT_EQ(mode_of(tmp.path() / "users.db"), 0600);
  EXPECT_EQ(store->find("bb"), kHashA);
}

TEST(SqliteUserStore, ClosingRemovesTheWal) {
  TempDir tmp;
  SqliteUserStore::open(tmp.path())->add("bb", kHashA);
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "users.db-wal"));
  EXPECT_EQ(SqliteUserStore::open(tmp.path())->find("bb"), kHashA);
}

TEST(SqliteUserStore, CommittedAddSurvivesKill9) {
  TempDir tmp;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // No gtest in the child: it adds, then dies without closing anything.
    try {
      auto store = SqliteUserStore::open(tmp.path());
      if (store->add("bb", kHashA) == AddResult::kAdded &&
          store->change("bb", kHashB) == ChangeResult::kChanged) {
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
  EXPECT_EQ(SqliteUserStore::open(tmp.path())->find("bb"), kHashB);
}

TEST(SqliteUserStore, ImportAllAddsEveryRecordInOrder) {
  TempDir tmp;
  const std::vector<UserRecord> records = {{"bb", kHashA}, {"haibin", kHashB}, {"bin", kHashC}};
  {
    auto store = SqliteUserStore::open(tmp.path());
    const ImportResult result = store->import_all(records);
    EXPECT_TRUE(result.ok);
    EXPECT_EQ(result.imported, 3u);
    EXPECT_EQ(result.error, "");
    EXPECT_EQ(store->list(), records);
    EXPECT_EQ(store->find("haibin"), kHashB);
  }
  EXPECT_EQ(SqliteUserStore::open(tmp.path())->list(), records);
}

TEST(SqliteUserStore, ImportAllSkipsNamesAlreadyStoredWithTheSameHash) {
  TempDir tmp;
  auto store = SqliteUserStore::open(tmp.path());
  store->add("haibin", kHashB);
  const std::vector<UserRecord> records = {{"bb", kHashA}, {"haibin", kHashB}, {"bb", kHashA}};
  const ImportResult result = store->import_all(records);
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(result.imported, 1u);
  EXPECT_EQ(store->list(), (std::vector<UserRecord>{{"haibin", kHashB}, {"bb", kHashA}}));
}

TEST(SqliteUserStore, ImportAllWithAConflictingHashImportsNothing) {
  TempDir tmp;
  {
    auto store = SqliteUserStore::open(tmp.path());
    store->add("haibin", kHashB);
    const std::vector<UserRecord> records = {{"bb", kHashA}, {"haibin", kHashC}, {"bin", kHashC}};
    const ImportResult result = store->import_all(records);
    EXPECT_FALSE(result.ok);
    EXPECT_EQ(result.imported, 0u);
    EXPECT_EQ(result.error, "user haibin already exists with a different hash");
    EXPECT_EQ(store->find("bb"), std::nullopt);
    EXPECT_EQ(store->list(), (std::vector<UserRecord>{{"haibin", kHashB}}));
    // The rolled-back import left the connection usable.
    EXPECT_EQ(store->add("bb", kHashA), AddResult::kAdded);
  }
  EXPECT_EQ(SqliteUserStore::open(tmp.path())->list(),
            (std::vector<UserRecord>{{"haibin", kHashB}, {"bb", kHashA}}));
}

TEST(SqliteUserStore, ImportAllWithOneNameTwiceWithDifferentHashesImportsNothing) {
  TempDir tmp;
  auto store = SqliteUserStore::open(tmp.path());
  const std::vector<UserRecord> records = {{"bb", kHashA}, {"bin", kHashC}, {"bb", kHashB}};
  const ImportResult result = store->import_all(records);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.imported, 0u);
  EXPECT_EQ(result.error, "user bb already exists with a different hash");
  EXPECT_EQ(store->list(), std::vector<UserRecord>{});
  store.reset();
  EXPECT_EQ(SqliteUserStore::open(tmp.path())->list(), std::vector<UserRecord>{});
}

TEST(SqliteUserStore, ImportAllRejectsAnInvalidRecordBeforeWriting) {
  TempDir tmp;
  auto store = SqliteUserStore::open(tmp.path());
  const std::vector<UserRecord> bad_hash = {{"bb", kHashA},
                                            {"bin", "398A9E7F3E20DC9FFEF104303826ED6D"}};
  ImportResult result = store->import_all(bad_hash);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "record 2: invalid password hash");
  const std::vector<UserRecord> bad_name = {{"b b", kHashA}};
  result = store->import_all(bad_name);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "record 1: invalid username");
  EXPECT_EQ(store->list(), std::vector<UserRecord>{});
}

TEST(SqliteUserStore, CheckpointEmptiesTheWal) {
  TempDir tmp;
  auto store = SqliteUserStore::open(tmp.path());
  store->add("bb", kHashA);
  const auto wal = tmp.path() / "users.db-wal";
  EXPECT_GT(std::filesystem::file_size(wal), 0u);
  store->checkpoint();
  EXPECT_EQ(std::filesystem::file_size(wal), 0u);
  EXPECT_EQ(mode_of(wal), 0600);
  store->add("bin", kHashC);
  store.reset();
  EXPECT_EQ(SqliteUserStore::open(tmp.path())->list(),
            (std::vector<UserRecord>{{"bb", kHashA}, {"bin", kHashC}}));
}

TEST(SqliteUserStore, SchemaIsVersionOneWithTimestamps) {
  TempDir tmp;
  {
    auto store = SqliteUserStore::open(tmp.path());
    store->add("bb", kHashA);
  }
  const auto db = tmp.path() / "users.db";
  EXPECT_EQ(query_text(db, "PRAGMA user_version"), "1");
  EXPECT_EQ(query_text(db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query_text(db, "SELECT typeof(name) || ' ' || hash FROM users"),
            std::string("text ") + kHashA);
  EXPECT_EQ(query_text(db, "SELECT created_at = updated_at AND created_at > 1700000000 FROM users"),
            "1");
}

TEST(SqliteUserStore, NewerSchemaVersionIsRefused) {
  TempDir tmp;
  SqliteUserStore::open(tmp.path());
  run_sql(tmp.path() / "users.db", "PRAGMA user_version=2");
  EXPECT_EQ(open_error(tmp.path()),
            (tmp.path() / "users.db").string() +
                ": schema version 2 is newer than this program supports (1)");
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
  store->add("bb", kHashA);
  // Another connection empties the table; the store's answers come from its cache.
  run_sql(tmp.path() / "users.db", "DELETE FROM users");
  EXPECT_EQ(store->find("bb"), kHashA);
  EXPECT_EQ(store->list(), (std::vector<UserRecord>{{"bb", kHashA}}));
}

}  // namespace
}  // namespace tsna
