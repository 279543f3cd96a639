// stolen_store_test.cpp - a copy of users.db (or of an export) logs nobody in (SPEC 4.2): every
// stored field, presented as a classic hash, as a SCRAM password, or as the key of a forged
// SCRAM proof, is refused; and a database the previous release wrote (schema version 1, hashes)
// is migrated at first start with every user still logging in in both dialects.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "auth/hex.hpp"
#include "auth/scram_verifier.hpp"
#include "fixture.hpp"

namespace tsna::testing {
namespace {

// The first column of the first row of `sql` on users.db, read as another process would.
std::string query(const std::filesystem::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open(db_path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

void exec(const std::filesystem::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

auth::ScramKey hmac(std::span<const std::uint8_t> key, std::string_view message) {
  auth::ScramKey out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(), &len);
  return out;
}

std::string b64(std::string_view text) {
  return auth::to_base64(
      std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string unb64(std::string_view text) {
  const auto bytes = auth::from_base64(text);
  return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
}

class StolenStore : public ServerTest {
 protected:
  void SetUp() override {
    start();
    auto c = tsna2();
    ASSERT_EQ(c->tsna2_register("carol", kHash123456), "200:Your Registered Username is carol\n");
    c.reset();
    text_ = query(data_dir() / "users.db", "SELECT verifier FROM users WHERE name = 'carol'");
    const std::optional<auth::ScramVerifier> v = auth::parse_verifier(text_);
    ASSERT_TRUE(v.has_value()) << text_;
    verifier_ = *v;
  }

  // Every value a thief finds in the row, in each form it could be presented in.
  std::vector<std::string> stolen_values() const {
    const std::string stored_hex = auth::to_hex(verifier_.stored_key);
    const std::string server_hex = auth::to_hex(verifier_.server_key);
    return {text_,
            auth::to_base64(verifier_.stored_key),
            auth::to_base64(verifier_.server_key),
            auth::to_base64(verifier_.salt),
            stored_hex,
            server_hex,
            stored_hex.substr(0, 32),
            stored_hex.substr(32),
            server_hex.substr(0, 32),
            server_hex.substr(32),
            auth::to_hex(verifier_.salt)};
  }

  // A SCRAM exchange whose proof is forged with `key` in ClientKey's place (what a thief holding
  // StoredKey or ServerKey could send): ClientProof = key XOR HMAC(StoredKey, AuthMessage).
  std::string forged_login(std::span<const std::uint8_t> key) {
    auto c = tsna2();
    const std::string bare = "n=carol,r=thiefnonce0123456789";
    c->send("auth SCRAM-SHA-256 " + b64("n,," + bare) + "\n");
    const std::string first = c->read_reply();
    if (!first.starts_with("300:")) {
      return first;
    }
    const std::string server_first = unb64(first.substr(4, first.size() - 5));
    const std::string nonce = server_first.substr(2, server_first.find(',') - 2);
    const std::string without_proof = "c=biws,r=" + nonce;
    const std::string auth_message = bare + "," + server_first + "," + without_proof;
    const auth::ScramKey signature = hmac(verifier_.stored_key, auth_message);
    std::string proof(32, '\0');
    for (std::size_t i = 0; i < 32; ++i) {
      proof[i] = static_cast<char>(key[i] ^ signature[i]);
    }
    c->send(b64(without_proof + ",p=" + b64(proof)) + "\n");
    return c->read_reply();
  }

  std::string text_;
  auth::ScramVerifier verifier_;
};

// Failures count toward throttling (SPEC 4.4): the server restarts (forgetting its counts)
// before every fourth attempt, so each value meets the check rather than the throttle.
TEST_F(StolenStore, NoStoredFieldLogsInAsAClassicHash) {
  const std::vector<std::string> values = stolen_values();
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i % 4 == 0) {
      server_.reset();
      start();  // --allow-classic
    }
    auto c = classic();
    const std::string reply = classic_login(*c, "carol", values[i]);
    EXPECT_TRUE(reply == "400:Wrong password!" || reply == "400:Invalid password hash")
        << values[i] << " -> " << reply;
  }
  server_.reset();
  start();
  auto c = classic();
  EXPECT_EQ(classic_login(*c, "carol", kHash123456), "200:login is successful");
}

TEST_F(StolenStore, NoStoredFieldLogsInAsAScramPassword) {
  const std::vector<std::string> values = stolen_values();
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i % 4 == 0) {
      server_.reset();
      start();
    }
    auto c = tsna2();
    EXPECT_EQ(c->tsna2_login("carol", values[i]), "400:Authentication Failed!\n") << values[i];
  }
  server_.reset();
  start();
  auto c = tsna2();
  EXPECT_EQ(c->tsna2_login("carol", kHash123456), "200:login is successful\n");
}

TEST_F(StolenStore, ProofsForgedWithTheStoredKeysAreRefused) {
  EXPECT_EQ(forged_login(verifier_.stored_key), "400:Authentication Failed!\n");
  EXPECT_EQ(forged_login(verifier_.server_key), "400:Authentication Failed!\n");
}

TEST_F(StolenStore, NothingStoredHoldsTheHash) {
  const std::string all =
      query(data_dir() / "users.db", "SELECT group_concat(name || verifier, '|') FROM users");
  EXPECT_EQ(all.find(kHash123456), std::string::npos) << all;
  EXPECT_EQ(query(data_dir() / "users.db",
                  "SELECT count(*) FROM pragma_table_info('users') WHERE name = 'hash'"),
            "0");
}

class Migration : public ServerTest {};

TEST_F(Migration, DatabaseOfThePreviousReleaseIsUpgradedAndEveryUserLogsInInBothDialects) {
  // What the previous release (schema version 1) left in DATA_DIR/users.db.
  std::filesystem::create_directories(data_dir());
  exec(data_dir() / "users.db",
       "PRAGMA journal_mode=WAL;"
       "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
       "hash TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
       "INSERT INTO users(name, hash, created_at, updated_at) VALUES"
       " ('alice', 'b3358c3dc3c4b063dd668b7f6620c3d2', 1700000001, 1700000001),"
       " ('bob', '910f4aff69c6c642b3756489bb81a945', 1700000002, 1700000009),"
       " ('\xe2\x85\xa8', '910f4aff69c6c642b3756489bb81a945', 1700000003, 1700000003);"
       "PRAGMA user_version=1;");
  start();
  EXPECT_EQ(query(data_dir() / "users.db", "PRAGMA user_version"), "2");
  EXPECT_EQ(query(data_dir() / "users.db", "SELECT count(*) FROM users"), "3");
  for (const auto& [name, hash] : std::vector<std::pair<std::string, std::string_view>>{
           {"alice", kHash123}, {"bob", kHash123456}}) {
    auto t = tsna2();
    EXPECT_EQ(t->tsna2_login(name, hash), "200:login is successful\n") << name;
    auto c = classic();
    EXPECT_EQ(classic_login(*c, name, hash), "200:login is successful") << name;
  }
  // U+2168 (Roman numeral nine): SASLprep makes it "IX", so SCRAM clients cannot name it; the
  // server said so at start, and the classic login still works.
  EXPECT_NE(server().stderr_text().find(
                "tsna-server: users.db: user \xe2\x85\xa8: SASLprep changes this name, so SCRAM "
                "(TSNA/2) clients cannot log in as it; the classic login still can\n"),
            std::string::npos)
      << server().stderr_text();
  auto c = classic();
  EXPECT_EQ(classic_login(*c, "\xe2\x85\xa8", kHash123456), "200:login is successful");
}

TEST_F(Migration, DatabaseNewerThanTheBinaryIsRefusedWithAClearMessage) {
  std::filesystem::create_directories(data_dir());
  exec(data_dir() / "users.db", "PRAGMA user_version=3;");
  const CommandResult r =
      run_server_command("--bind 127.0.0.1 --port 0 --data-dir " + data_dir().string());
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.output, "tsna-server: " + (data_dir() / "users.db").string() +
                          ": schema version 3 is newer than this program supports (2)\n");
}

}  // namespace
}  // namespace tsna::testing
