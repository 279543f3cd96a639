// file_audit_log_test.cpp - the buffered audit writer: records reach the file (flush, the 1 s
// promise, close), whole lines under concurrency, rotation, file mode, a full disk (SPEC 4.3).
// Uses temporary directories under /tmp, removed after each test; no sockets.
#include "audit/file_audit_log.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "audit/json_line.hpp"
#include "support/json_check.hpp"
#include "support/temp_dir.hpp"

namespace tsna {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

using testing::TempDir;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> read_lines(const fs::path& p) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(p));
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

// A field of a flat JSON object: a decoded string, a number's text, or nullopt for null.
using Field = std::pair<std::string, std::optional<std::string>>;

// The members of one log line in order, read by the shared strict JSON checker held to the one
// shape the log writes: compact, only control characters escaped, and string, unsigned integer
// or null values. nullopt if the text is not that.
std::optional<std::vector<Field>> parse_flat_json(std::string_view text) {
  const std::optional<testing::JsonMembers> members =
      testing::parse_json_members(text, {.compact = true, .ascii_escapes_only = true});
  if (!members) {
    return std::nullopt;
  }
  std::vector<Field> fields;
  for (const auto& [key, member] : *members) {
    switch (member.kind) {
      case testing::JsonKind::kNull:
        fields.emplace_back(key, std::nullopt);
        break;
      case testing::JsonKind::kNumber:
        if (member.value.find_first_not_of("0123456789") != std::string::npos) {
          return std::nullopt;
        }
        [[fallthrough]];
      case testing::JsonKind::kString:
        fields.emplace_back(key, member.value);
        break;
      default:
        return std::nullopt;
    }
  }
  return fields;
}

const std::vector<std::string> kKeys = {"ts", "peer", "user", "dialect", "cmd", "code"};

std::vector<std::string> keys_of(const std::vector<Field>& fields) {
  std::vector<std::string> keys;
  for (const Field& f : fields) {
    keys.push_back(f.first);
  }
  return keys;
}

using testing::has_secret_hex_run;

AuditEvent event(std::string_view cmd, int code = 200) {
  AuditEvent e;
  e.ts = WallTime(milliseconds(1731168720477));
  e.peer = "127.0.0.1:54022";
  e.user = std::nullopt;
  e.dialect = Dialect::kClassic;
  e.cmd = cmd;
  e.code = code;
  return e;
}

std::string expected_line(const AuditEvent& e) {
  std::string out;
  append_json_line(out, e, 512);
  out.pop_back();  // read_lines drops the '\n'
  return out;
}

TEST(FileAuditLog, RecordsAppearInTheFileAfterFlush) {
  TempDir dir;
  const fs::path file = dir.path() / "data_log.jsonl";
  FileAuditLog log(file);
  log.record(event("ls"));
  AuditEvent login = event("login HaibinLai 910f4aff69c6c642b3756489bb81a945", 300);
  log.record(login);
  log.flush();
  EXPECT_EQ(read_file(file),
            R"({"ts":"2024-11-09T16:12:00.477Z","peer":"127.0.0.1:54022","user":null,)"
            R"("dialect":"classic","cmd":"ls","code":200})"
            "\n"
            R"({"ts":"2024-11-09T16:12:00.477Z","peer":"127.0.0.1:54022","user":null,)"
            R"("dialect":"classic","cmd":"login HaibinLai ***","code":300})"
            "\n");
}

// Regression: after a crash tore the last line, the next run's first record ran into it.
TEST(FileAuditLog, LineTornByACrashIsEndedBeforeTheNextRecord) {
  TempDir dir;
  const fs::path file = dir.path() / "data_log.jsonl";
  std::ofstream(file) << R"({"ts":"2024-11-09T16:12:00.477Z","peer":"127.0.0.1:1","us)";
  {
    FileAuditLog log(file);
    log.record(event("ls"));
  }
  EXPECT_EQ(read_file(file),
            R"({"ts":"2024-11-09T16:12:00.477Z","peer":"127.0.0.1:1","us)"
            "\n"
            R"({"ts":"2024-11-09T16:12:00.477Z","peer":"127.0.0.1:54022","user":null,)"
            R"("dialect":"classic","cmd":"ls","code":200})"
            "\n");
}

TEST(FileAuditLog, FlushWithNothingRecordedReturns) {
  TempDir dir;
  FileAuditLog log(dir.path() / "data_log.jsonl");
  log.flush();
  EXPECT_EQ(read_file(dir.path() / "data_log.jsonl"), "");
}

TEST(FileAuditLog, EveryLineIsOneJsonObjectWithTheSixKeysInOrder) {
  TempDir dir;
  const fs::path file = dir.path() / "data_log.jsonl";
  std::vector<std::string> cmds;
  for (int b = 0; b < 256; ++b) {
    cmds.push_back("sum " + std::string(1, static_cast<char>(b)) + " \"\\");
  }
  cmds.push_back(std::string(2000, '\xff'));
  cmds.push_back(std::string("a\0b\r\n", 5));
  {
    FileAuditLog log(file);
    for (std::size_t i = 0; i < cmds.size(); ++i) {
      AuditEvent e = event(cmds[i], i % 2 == 0 ? 0 : 400);
      const std::string user = "us\"er\n" + std::to_string(i);
      if (i % 3 == 0) {
        e.user = user;
      }
      e.dialect = i % 2 == 0 ? Dialect::kClassic : Dialect::kTsna2;
      log.record(e);
    }
    log.flush();
  }
  const std::vector<std::string> lines = read_lines(file);
  ASSERT_EQ(lines.size(), cmds.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto fields = parse_flat_json(lines[i]);
    ASSERT_TRUE(fields.has_value()) << "line " << i << ": " << lines[i];
    ASSERT_EQ(keys_of(*fields), kKeys) << "line " << i;
    EXPECT_EQ((*fields)[2].second, i % 3 == 0
                                       ? std::optional<std::string>("us\"er\n" + std::to_string(i))
                                       : std::nullopt)
        << "line " << i;
    EXPECT_EQ((*fields)[3].second, i % 2 == 0 ? "classic" : "tsna2") << "line " << i;
    EXPECT_EQ((*fields)[5].second, i % 2 == 0 ? std::nullopt : std::optional<std::string>("400"))
        << "line " << i;
    EXPECT_LE((*fields)[4].second->size(), 512u) << "line " << i;
  }
  EXPECT_EQ((*parse_flat_json(lines[0]))[4].second, std::string("sum \0 \"\\", 8));
  EXPECT_EQ((*parse_flat_json(lines[256]))[4].second->size(), 510u);  // 170 x U+FFFD
}

TEST(FileAuditLog, RecordsReachTheFileWithinOneSecondWithoutFlush) {
  TempDir dir;
  const fs::path file = dir.path() / "data_log.jsonl";
  FileAuditLog log(file);
  const auto start = std::chrono::steady_clock::now();
  log.record(event("ls"));
  std::string contents;
  while (std::chrono::steady_clock::now() - start < milliseconds(1500)) {
    contents = read_file(file);
    if (!contents.empty()) {
      break;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(contents, expected_line(event("ls")) + "\n");
  EXPECT_LT(elapsed, milliseconds(1000));
}

TEST(FileAuditLog, CloseWritesWhatIsBufferedAndLaterRecordsAreDropped) {
  TempDir dir;
  const fs::path file = dir.path() / "data_log.jsonl";
  FileAuditLog log(file);
  log.record(event("ls"));
  log.close();
  EXPECT_EQ(read_file(file), expected_line(event("ls")) + "\n");
  log.record(event("help"));
  log.flush();
  log.reopen();
  log.close();
  EXPECT_EQ(log.dropped(), 1u);
  EXPECT_EQ(read_file(file), expected_line(event("ls")) + "\n");
}

TEST(FileAuditLog, DestructorWritesWhatIsBuffered) {
  TempDir dir;
  const fs::path file = dir.path() / "data_log.jsonl";
  {
    FileAuditLog log(file);
    log.record(event("sum 1 2"));
  }
  EXPECT_EQ(read_file(file), expected_line(event("sum 1 2")) + "\n");
}

TEST(FileAuditLog, NewFileIsCreatedWithMode0600) {
  TempDir dir;
  const fs::path file = dir.path() / "data_log.jsonl";
  FileAuditLog log(file);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST(FileAuditLog, ExistingFileIsAppendedToNotTruncated) {
  TempDir dir;
  const fs::path file = dir.path() / "data_log.jsonl";
  std::ofstream(file) << "earlier\n";
  {
    FileAuditLog log(file);
    log.record(event("ls"));
  }
  EXPECT_EQ(read_file(file), "earlier\n" + expected_line(event("ls")) + "\n");
}

TEST(FileAuditLog, ConstructorThrowsWhenTheFileCannotBeOpened) {
  TempDir dir;
  EXPECT_THROW(FileAuditLog(dir.path() / "missing" / "data_log.jsonl"), std::runtime_error);
  EXPECT_THROW(FileAuditLog{dir.path()}, std::runtime_error);  // a directory
}

TEST(FileAuditLog, ReopenAfterRenameSendsEarlierRecordsToTheOldFileAndLaterOnesToTheNew) {
  TempDir dir;
  const fs::path file = dir.path() / "data_log.jsonl";
  const fs::path rotated = dir.path() / "data_log.jsonl.1";
  FileAuditLog log(file);
  log.record(event("ls"));
  log.flush();
  log.record(event("help"));  // still buffered when the file is renamed
  fs::rename(file, rotated);
  log.reopen();
  log.record(event("sum 1 2"));
  log.flush();
  EXPECT_EQ(read_file(rotated),
            expected_line(event("ls")) + "\n" + expected_line(event("help")) + "\n");
  EXPECT_EQ(read_file(file), expected_line(event("sum 1 2")) + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(log.write_errors(), 0u);
}

TEST(FileAuditLog, ReopenThatCannotOpenThePathKeepsTheOldFileAndRetries) {
  TempDir dir;
  const fs::path logs = dir.path() / "logs";
  const fs::path moved = dir.path() / "moved";
  fs::create_directory(logs);
  FileAuditLog log(logs / "data_log.jsonl");
  fs::rename(logs, moved);  // the path is gone; the open file lives on under moved/
  log.reopen();
  log.record(event("ls"));
  log.flush();
  EXPECT_GE(log.write_errors(), 1u);  // the failed reopen (retried on each pass)
  EXPECT_EQ(read_file(moved / "data_log.jsonl"), expected_line(event("ls")) + "\n");

  fs::create_directory(logs);
  log.record(event("help"));
  log.flush();  // the retried reopen succeeds before this record is written
  EXPECT_EQ(read_file(moved / "data_log.jsonl"), expected_line(event("ls")) + "\n");
  EXPECT_EQ(read_file(logs / "data_log.jsonl"), expected_line(event("help")) + "\n");
}

TEST(FileAuditLog, EightThreadsOfTenThousandRecordsGiveEightyThousandWholeLines) {
  TempDir dir;
  const fs::path file = dir.path() / "data_log.jsonl";
  constexpr int kThreads = 8;
  constexpr int kPerThread = 10000;
  {
    FileAuditLog log(file);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&log, t] {
        const std::string peer = "10.0.0." + std::to_string(t) + ":6016";
        std::string cmd;
        for (int i = 0; i < kPerThread; ++i) {
          cmd = "sum " + std::to_string(i) + " 910f4aff69c6c642b3756489bb81a945";
          AuditEvent e = event(cmd);
          e.peer = peer;
          log.record(e);
        }
      });
    }
    for (std::thread& th : threads) {
      th.join();
    }
    log.flush();
    EXPECT_EQ(log.dropped(), 0u);
  }
  const std::vector<std::string> lines = read_lines(file);
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::vector<int> next(kThreads, 0);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const auto fields = parse_flat_json(lines[n]);
    ASSERT_TRUE(fields.has_value()) << "line " << n << ": " << lines[n];
    ASSERT_EQ(keys_of(*fields), kKeys) << "line " << n;
    const std::string& peer = *(*fields)[1].second;
    const int t = peer[7] - '0';
    ASSERT_TRUE(t >= 0 && t < kThreads) << peer;
    // Each thread's records appear whole and in the order it made them.
    ASSERT_EQ(*(*fields)[4].second, "sum " + std::to_string(next[t]) + " ***") << "line " << n;
    ++next[t];
  }
}

TEST(FileAuditLog, FullDiskKeepsRecordsDropsPastTheCapAndNotesTheCountOnceWritingResumes) {
  TempDir dir;
  const fs::path file = dir.path() / "data_log.jsonl";
  fs::create_symlink("/dev/full", file);  // every write() fails with ENOSPC
  const AuditEvent kept = event("ls");
  const std::size_t line_size = expected_line(kept).size() + 1;
  FileAuditLogOptions options;
  options.write_interval = milliseconds(20);
  options.max_buffered_bytes = 10 * line_size;
  FileAuditLog log(file, 512, options);
  for (int i = 0; i < 25; ++i) {
    AuditEvent e = kept;
    e.ts += milliseconds(i);
    log.record(e);
  }
  log.flush();  // returns after a failed attempt instead of hanging
  EXPECT_GE(log.write_errors(), 1u);
  EXPECT_EQ(log.dropped(), 15u);

  fs::remove(file);  // the disk "has room again": rotate onto a real file
  log.reopen();
  log.flush();  // the held records go to the new file; the buffer has room again
  EXPECT_EQ(read_lines(file).size(), 10u);
  log.record(event("help"));
  log.flush();
  const std::vector<std::string> lines = read_lines(file);
  ASSERT_EQ(lines.size(), 12u) << read_file(file);
  for (int i = 0; i < 10; ++i) {
    AuditEvent e = kept;
    e.ts += milliseconds(i);
    EXPECT_EQ(lines[i], expected_line(e)) << "line " << i;
  }
  EXPECT_EQ(lines[10],
            R"({"ts":"2024-11-09T16:12:00.501Z","peer":"-","user":null,"dialect":"classic",)"
            R"("cmd":"audit: 15 records dropped","code":null})");
  EXPECT_EQ(lines[11], expected_line(event("help")));
  EXPECT_EQ(log.dropped(), 15u);
}

TEST(FileAuditLog, SessionThatRegistersLogsInAndChangesPasswordLeavesNoHashInTheFile) {
  TempDir dir;
  const fs::path file = dir.path() / "data_log.jsonl";
  const std::string raw_answer(
      "\x7a\xb4\xaf\xb2\xb4\x0a\xeb\xf9\x13\x3f\x29\xa1\x10\x5c\x7a\x58"
      "\x12\x49\xee\x16\x16\xa0\x51\xf8\x4a\xa7\xd7\xb2\x6c\xc3\xf2\x19",
      32);
  {
    FileAuditLog log(file);
    AuditEvent e = event("");
    // Classic: the hash travels in the clear; the answer is 32 raw bytes.
    for (const char* cmd : {"register bob 910f4aff69c6c642b3756489bb81a945",
                            "login bob 910f4aff69c6c642b3756489bb81a945"}) {
      e.cmd = cmd;
      log.record(e);
    }
    e.cmd = raw_answer;
    e.is_answer = true;
    log.record(e);
    e.is_answer = false;
    e.user = "bob";
    e.cmd = "changepwd b3358c3dc3c4b063dd668b7f6620c3d2";
    log.record(e);
    e.cmd = "sum 910f4aff69c6c642b3756489bb81a945 1";  // a hash anywhere else
    log.record(e);
    // TSNA/2: login names the user only; the answer is nonce and MAC in hex.
    e.dialect = Dialect::kTsna2;
    e.user = std::nullopt;
    e.cmd = "login bob";
    log.record(e);
    e.cmd =
        "0123456789abcdef0123456789abcdef "
        "7ab4afb2b40aebf9133f29a1105c7a581249ee1616a051f84aa7d7b26cc3f219";
    e.is_answer = true;
    log.record(e);
    e.is_answer = false;
    e.user = "bob";
    e.cmd = "changepwd\ta5d020979035a757aa2e1a52383c3550";
    log.record(e);
    e.cmd = "changepwd 910f4aff";  // malformed: still masked
    log.record(e);
  }
  const std::string text = read_file(file);
  EXPECT_FALSE(has_secret_hex_run(text)) << text;
  EXPECT_EQ(text.find("910f"), std::string::npos) << text;
  EXPECT_EQ(text.find("b3358c3d"), std::string::npos) << text;
  const std::vector<std::string> lines = read_lines(file);
  const std::vector<std::string> expected_cmds = {
      "register bob ***", "login bob ***", "***", "changepwd ***", "sum *** 1", "login bob", "***",
      "changepwd\t***",   "changepwd ***",
  };
  ASSERT_EQ(lines.size(), expected_cmds.size()) << text;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto fields = parse_flat_json(lines[i]);
    ASSERT_TRUE(fields.has_value()) << lines[i];
    EXPECT_EQ((*fields)[4].second, expected_cmds[i]) << "line " << i;
  }
}

TEST(FileAuditLog, ReplayOfTheSeedsCapturedLogLeaksNoHashOrPassword) {
  // Regression: the seed's data_log.txt recorded "login HaibinLai 910f4aff..." verbatim.
  TempDir dir;
  const fs::path file = dir.path() / "data_log.jsonl";
  const std::vector<std::string> seed = read_lines(fs::path(TSNA_SEED_DIR) / "data_log.txt");
  ASSERT_GT(seed.size(), 40u);
  ASSERT_TRUE(has_secret_hex_run(read_file(fs::path(TSNA_SEED_DIR) / "data_log.txt")));
  std::size_t recorded = 0;
  {
    FileAuditLog log(file);
    for (const std::string& line : seed) {
      // ('127.0.0.1', 49117),<message>,<seconds since the epoch>
      const std::size_t open = line.find("('");
      const std::size_t comma = line.find("', ");
      const std::size_t close = line.find("),");
      const std::size_t last = line.rfind(',');
      if (open != 0 || comma == std::string::npos || close == std::string::npos ||
          last <= close + 1) {
        continue;
      }
      const std::string peer =
          line.substr(2, comma - 2) + ":" + line.substr(comma + 3, close - comma - 3);
      const std::string cmd = line.substr(close + 2, last - close - 2);
      AuditEvent e = event(cmd);
      e.peer = peer;
      e.ts = WallTime(
          milliseconds(static_cast<std::int64_t>(std::stod(line.substr(last + 1)) * 1000)));
      log.record(e);
      ++recorded;
    }
  }
  ASSERT_GT(recorded, 40u);
  const std::string text = read_file(file);
  EXPECT_FALSE(has_secret_hex_run(text)) << text;
  EXPECT_EQ(text.find("123456"), std::string::npos) << text;  // "login haibin 123456"
  const std::vector<std::string> lines = read_lines(file);
  ASSERT_EQ(lines.size(), recorded);
  const auto first_login = parse_flat_json(lines[3]);
  ASSERT_TRUE(first_login.has_value());
  EXPECT_EQ((*first_login)[0].second, "2024-11-09T15:36:31.511Z");
  EXPECT_EQ((*first_login)[1].second, "127.0.0.1:49117");
  EXPECT_EQ((*first_login)[4].second, "login HaibinLai ***");
}

}  // namespace
}  // namespace tsna
