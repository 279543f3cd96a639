// crash_safety_test.cpp - SPEC 4.2/4.3 under SIGKILL at seeded random moments during concurrent
// registers and password changes: acknowledged changes survive, users.db passes integrity_check,
// the audit log stays JSON Lines. Reads users.db with sqlite3 directly, not through src/store.
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "auth/scram_verifier.hpp"
#include "fixture.hpp"
#include "peer_client.hpp"
#include "support/json_check.hpp"

namespace tsna::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string random_hash(std::mt19937& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string h(32, '0');
  for (char& c : h) {
    c = kHex[rng() % 16];
  }
  return h;
}

std::string read_whole(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One user as its owning client thread knows it.
struct Account {
  std::string name;
  std::string hash;                    // the hash whose 200 was read ("" before registration)
  std::optional<std::string> pending;  // sent, 200 not read: the store may hold either
  bool exists = false;                 // registered for sure
  bool touched = false;                // changed since the last login check
};

struct ClientTally {
  int acked = 0;                    // 200s read for register/changepwd
  int unanswered = 0;               // requests cut off by the kill
  std::vector<std::string> errors;  // replies the spec does not allow here
};

// One client thread's work until the connection dies or `stop`: register a new user, or log
// in as one of its own users and change its password. Only this thread touches `accounts`.
void run_client(std::uint16_t port, int cycle, int id, std::uint32_t seed,
                std::vector<Account>& accounts, ClientTally& tally, const std::atomic<bool>& stop) {
  std::mt19937 rng(seed);
  int serial = 0;
  try {
    PeerClient c(port, "127.0.0.1");
    c.upgrade();
    while (!stop.load()) {
      std::vector<std::size_t> settled;
      for (std::size_t i = 0; i < accounts.size(); ++i) {
        if (accounts[i].exists && !accounts[i].pending) {
          settled.push_back(i);
        }
      }
      if (settled.empty() || rng() % 2 == 0) {
        Account& a = accounts.emplace_back();
        a.name =
            "u" + std::to_string(cycle) + "_" + std::to_string(id) + "_" + std::to_string(serial++);
        a.pending = random_hash(rng);
        a.touched = true;
        c.send("register " + a.name + " " + *a.pending + "\n");
        const std::string reply = c.read_line();
        if (reply == "200:Your Registered Username is " + a.name + "\n") {
          a.exists = true;
          a.hash = *a.pending;
          a.pending.reset();
          ++tally.acked;
        } else if (reply.empty() || reply.back() != '\n') {
          ++tally.unanswered;  // killed before (or while) the reply came
          return;
        } else {
          tally.errors.push_back("register " + a.name + ": " + reply);
          a.pending.reset();
        }
        continue;
      }
      Account& a = accounts[settled[rng() % settled.size()]];
      const std::string login = c.tsna2_login(a.name, a.hash);
      if (login.empty() || login.back() != '\n') {
        return;
      }
      if (login != "200:login is successful\n") {
        tally.errors.push_back("login " + a.name + ": " + login);
        continue;
      }
      a.pending = random_hash(rng);
      a.touched = true;
      c.send("changepwd " + *a.pending + "\n");
      const std::string reply = c.read_line();
      if (reply == "200:Successfully changed password\n") {
        a.hash = *a.pending;
        a.pending.reset();
        ++tally.acked;
      } else if (reply.empty() || reply.back() != '\n') {
        ++tally.unanswered;
        return;
      } else {
        tally.errors.push_back("changepwd " + a.name + ": " + reply);
        a.pending.reset();
      }
      c.send("logout\n");
      if (c.read_line() != "200:Logout from current user: " + a.name + "\n") {
        return;
      }
    }
  } catch (const std::runtime_error&) {
    // The server was killed under us: a send failed, or there was nothing to connect to.
  }
}

// What a copy of the store holds, read with sqlite3 directly. The copy (users.db and its WAL)
// lets the check run SQLite's recovery without touching the files the server will recover.
struct StoreSnapshot {
  std::string integrity;  // PRAGMA integrity_check's rows, joined
  std::map<std::string, std::string> users;
};

StoreSnapshot read_store(const fs::path& data_dir, const fs::path& scratch) {
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  fs::copy_file(data_dir / "users.db", scratch / "users.db");
  if (fs::exists(data_dir / "users.db-wal")) {
    fs::copy_file(data_dir / "users.db-wal", scratch / "users.db-wal");
  }
  StoreSnapshot snap;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2((scratch / "users.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) !=
      SQLITE_OK) {
    snap.integrity = std::string("cannot open: ") + sqlite3_errmsg(db);
    sqlite3_close(db);
    return snap;
  }
  const auto each_row = [&](const char* sql, const std::function<void(sqlite3_stmt*)>& row) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
      snap.integrity += std::string("cannot prepare: ") + sqlite3_errmsg(db);
      return;
    }
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      row(st);
    }
    if (rc != SQLITE_DONE) {
      snap.integrity += std::string("step failed: ") + sqlite3_errmsg(db);
    }
    sqlite3_finalize(st);
  };
  const auto text = [](sqlite3_stmt* st, int col) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
    return p == nullptr ? std::string() : std::string(p);
  };
  each_row("PRAGMA integrity_check", [&](sqlite3_stmt* st) {
    snap.integrity += (snap.integrity.empty() ? "" : "; ") + text(st, 0);
  });
  each_row("SELECT name, verifier FROM users",
           [&](sqlite3_stmt* st) { snap.users[text(st, 0)] = text(st, 1); });
  sqlite3_close(db);
  return snap;
}

class CrashSafety : public HardeningTest {
 protected:
  // Logs in as every account (touched ones only unless `all`) with the hash it must have, from
  // a fresh address per 4 logins so that a failure never throttles the next check. Returns the
  // accounts that could not log in.
  int check_logins(std::vector<std::vector<Account>>& owned, bool all, int& logins) {
    int failed = 0;
    int n = 0;
    std::unique_ptr<PeerClient> c;
    for (auto& accounts : owned) {
      for (Account& a : accounts) {
        if (!a.exists || (!all && !a.touched)) {
          continue;
        }
        if (n % 4 == 0) {
          c = std::make_unique<PeerClient>(port(), loopback_address(30, next_address_++));
          c->upgrade();
        }
        ++n;
        const std::string reply = c->tsna2_login(a.name, a.hash);
        if (reply == "200:login is successful\n") {
          c->send("logout\n");
          EXPECT_EQ(c->read_line(), "200:Logout from current user: " + a.name + "\n");
        } else {
          ADD_FAILURE() << "acknowledged " << a.name << " cannot log in: " << reply;
          ++failed;
        }
        a.touched = false;
      }
    }
    logins += n;
    return failed;
  }

  unsigned next_address_ = 0;
};

TEST_F(CrashSafety, AcknowledgedChangesSurviveSigkillAndTheStoreAndAuditLogStayValid) {
  constexpr int kClients = 4;
  const int kills = ci_or_soak(5, 50);
  std::mt19937 rng(20241109);
  std::vector<std::vector<Account>> owned(kClients);
  const fs::path log_path = data_dir() / "data_log.jsonl";
  std::size_t log_checked = 0;  // bytes of the audit log already checked
  int survived = 0;
  int lost = 0;
  int acked = 0;
  int unanswered = 0;
  int pending_applied = 0;
  int pending_dropped = 0;
  int logins = 0;
  std::size_t audit_records = 0;
  int torn_tails = 0;

  for (int cycle = 0; cycle <= kills; ++cycle) {
    start();
    lost += check_logins(owned, false, logins);
    if (cycle == kills) {
      break;  // the last start only checks what the last kill left
    }
    std::atomic<bool> stop{false};
    std::vector<ClientTally> tallies(kClients);
    std::vector<std::thread> clients;
    for (int t = 0; t < kClients; ++t) {
      clients.emplace_back(run_client, port(), cycle, t, static_cast<std::uint32_t>(rng()),
                           std::ref(owned[static_cast<std::size_t>(t)]),
                           std::ref(tallies[static_cast<std::size_t>(t)]), std::cref(stop));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 450));
    server().kill9();
    stop.store(true);
    for (std::thread& t : clients) {
      t.join();
    }
    for (const ClientTally& t : tallies) {
      acked += t.acked;
      unanswered += t.unanswered;
      for (const std::string& e : t.errors) {
        ADD_FAILURE() << "cycle " << cycle << ": unexpected reply: " << e;
      }
    }

    // The store as a crash left it.
    const StoreSnapshot snap = read_store(data_dir(), dir_.path() / "copy");
    EXPECT_EQ(snap.integrity, "ok") << "cycle " << cycle;
    std::size_t expected_rows = 0;
    for (auto& accounts : owned) {
      for (auto it = accounts.begin(); it != accounts.end();) {
        Account& a = *it;
        const auto found = snap.users.find(a.name);
        const std::optional<std::string> stored =
            found == snap.users.end() ? std::nullopt : std::optional(found->second);
        // The store keeps a verifier: a hash "is stored" when it derives that verifier.
        const auto holds = [&stored](const std::string& hash) {
          const auto v = stored ? auth::parse_verifier(*stored) : std::nullopt;
          return v.has_value() && auth::password_matches(*v, hash);
        };
        if (a.pending) {
          if (holds(*a.pending)) {
            ++pending_applied;
            a.hash = *a.pending;
            a.exists = true;
          } else if (a.exists ? holds(a.hash) : !stored) {
            ++pending_dropped;
          } else {
            ADD_FAILURE() << a.name << " holds neither its old nor its new hash";
            ++lost;
          }
          a.pending.reset();
          if (!a.exists) {
            it = accounts.erase(it);
            continue;
          }
        } else if (a.exists && !holds(a.hash)) {
          ADD_FAILURE() << "cycle " << cycle << ": acknowledged " << a.name << " lost: store has "
                        << (stored ? *stored : "nothing");
          ++lost;
        }
        ++expected_rows;
        ++it;
      }
    }
    EXPECT_EQ(snap.users.size(), expected_rows) << "users nobody registered";

    // The audit log: what the last run appended is JSON Lines, at most its last line torn.
    const std::string log = read_whole(log_path);
    const AuditLogCheck audit = check_audit_log(std::string_view(log).substr(log_checked));
    EXPECT_TRUE(audit.problems.empty()) << "cycle " << cycle << ": " << audit.problems.front();
    audit_records += audit.records;
    torn_tails += audit.torn_tail_bytes > 0 ? 1 : 0;
    log_checked = log.size();
    if (!HasFailure()) {
      ++survived;
    }
  }
  lost += check_logins(owned, true, logins);
  EXPECT_EQ(server().stop(), 0);
  // A clean stop flushes the log: nothing torn at its end.
  const std::string log = read_whole(log_path);
  const AuditLogCheck last = check_audit_log(std::string_view(log).substr(log_checked));
  EXPECT_TRUE(last.problems.empty()) << last.problems.front();
  EXPECT_EQ(last.torn_tail_bytes, 0u);
  audit_records += last.records;

  std::size_t users = 0;
  for (const auto& accounts : owned) {
    users += accounts.size();
  }
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(survived, kills);
  EXPECT_GT(acked, kills * 4) << "too little was acknowledged for the test to mean anything";
  record_figure("crash.kills_survived", std::to_string(survived) + "/" + std::to_string(kills));
  record_figure("crash.acknowledged_changes", std::to_string(acked));
  record_figure("crash.acknowledged_records_lost", std::to_string(lost));
  record_figure("crash.unanswered_requests", std::to_string(unanswered));
  record_figure("crash.unanswered_found_applied", std::to_string(pending_applied));
  record_figure("crash.unanswered_found_not_applied", std::to_string(pending_dropped));
  record_figure("crash.users_at_end", std::to_string(users));
  record_figure("crash.verification_logins", std::to_string(logins));
  record_figure("crash.audit_records_checked", std::to_string(audit_records));
  record_figure("crash.audit_torn_last_lines", std::to_string(torn_tails));
}

// users.db (and its WAL/SHM), the audit log and the data directory are the owner's alone:
// the hashes in them are password-equivalent (docs/SECURITY.md).
TEST_F(CrashSafety, DataDirectoryAndItsFilesAreForTheOwnerOnly) {
  start();
  {
    auto c = tsna2();
    ASSERT_EQ(c->tsna2_register("dora", kHash123456), "200:Your Registered Username is dora\n");
  }
  const auto mode = [](const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
  };
  EXPECT_EQ(mode(data_dir()), 0700);
  EXPECT_EQ(mode(data_dir() / "users.db"), 0600);
  EXPECT_EQ(mode(data_dir() / "users.db-wal"), 0600);
  EXPECT_EQ(mode(data_dir() / "users.db-shm"), 0600);
  EXPECT_EQ(server().stop(), 0);
  EXPECT_EQ(mode(data_dir() / "data_log.jsonl"), 0600);
}

}  // namespace
}  // namespace tsna::testing
