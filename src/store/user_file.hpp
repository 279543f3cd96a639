// user_file.hpp - users files for tsna-server import-users / export-users (SPEC 4.1): the seed's
// "username:hash" lines and our "username:SCRAM-SHA-256$..." verifier lines, plus whole-file read
// and atomic write. Depends on common and auth's verifier; no SQLite.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth/scram_verifier.hpp"
#include "store/user_store.hpp"

namespace tsna {

// The first bad line of a users file. `message` has no line prefix, so the caller can say
// "users.txt:3: invalid password hash"; to_string() gives "line 3: invalid password hash".
// Messages: "missing ':'", "invalid username", "invalid password hash", "invalid SCRAM-SHA-256
// verifier", "duplicate user NAME (first on line M)".
struct UserFileError {
  std::size_t line = 0;  // 1-based
  std::string message;
  bool operator==(const UserFileError&) const = default;
};

std::string to_string(const UserFileError& error);

// One user of a users file: the seed's form carries the password hash (the SCRAM password), ours
// a verifier (which PostgreSQL may also have made for the same SCRAM password).
struct UserFileEntry {
  std::string name;
  std::string hash;                             // a seed line: 32 lowercase hex characters
  std::optional<auth::ScramVerifier> verifier;  // a verifier line (then `hash` is empty)
  bool operator==(const UserFileEntry&) const = default;
};

// Parses the file as the seed's load_users does: lines end at '\n' (a "\r\n" end is accepted),
// each line is stripped of leading and trailing whitespace like Python's str.strip(), blank
// lines are skipped, and the line is split at its first ':'. Unlike the seed, every name must
// pass is_valid_username, the value must be a hash (is_password_hash) or a verifier
// (auth::parse_verifier, when it starts with "SCRAM-SHA-256$"), and no name may appear twice.
std::variant<std::vector<UserFileEntry>, UserFileError> parse_user_file(std::string_view text);

// One "name:SCRAM-SHA-256$...\n" line per record, in order. The seed's "name:hash" form cannot
// be written: the store keeps no hash. Records are written as given, not checked.
std::string format_user_file(std::span<const UserRecord> records);

// The whole file. Throws std::runtime_error("PATH: <strerror>") if it cannot be read.
std::string read_file(const std::filesystem::path& path);

// Replaces `path` with `text` atomically: writes a temporary file in the same directory with
// `mode`, fsyncs it, renames it over `path` and fsyncs the directory. On failure the old file is
// untouched, the temporary file removed, and std::runtime_error("PATH: <cause>") thrown.
void write_file_atomically(const std::filesystem::path& path, std::string_view text,
                           mode_t mode = 0600);

}  // namespace tsna
