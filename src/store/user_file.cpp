// user_file.cpp - parse users files (the seed's "username:hash", our verifier lines) and format
// ours; read and atomic write. No SQLite.
#include "store/user_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "common/credentials.hpp"
#include "common/os_error.hpp"

namespace tsna {
namespace {

constexpr std::string_view kVerifierPrefix = "SCRAM-SHA-256$";

// What Python's str.isspace() calls whitespace, as UTF-8: the ASCII ones (including the
// separators 0x1C-0x1F) and the multi-byte ones. All lead bytes here are not continuation bytes,
// so matching them at either end of a line never splits a character.
constexpr std::array<std::string_view, 29> kWhitespace = {
    "\t",           "\n",           "\v",           "\f",           "\r",
    "\x1c",         "\x1d",         "\x1e",         "\x1f",         " ",
    "\xc2\x85",     "\xc2\xa0",     "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81",
    "\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85", "\xe2\x80\x86",
    "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89", "\xe2\x80\x8a", "\xe2\x80\xa8",
    "\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80",
};

std::size_t whitespace_prefix(std::string_view text) {
  for (std::string_view ws : kWhitespace) {
    if (text.starts_with(ws)) {
      return ws.size();
    }
  }
  return 0;
}

std::size_t whitespace_suffix(std::string_view text) {
  for (std::string_view ws : kWhitespace) {
    if (text.ends_with(ws)) {
      return ws.size();
    }
  }
  return 0;
}

// Python's line.strip().
std::string_view strip(std::string_view line) {
  for (std::size_t n = whitespace_prefix(line); n != 0; n = whitespace_prefix(line)) {
    line.remove_prefix(n);
  }
  for (std::size_t n = whitespace_suffix(line); n != 0; n = whitespace_suffix(line)) {
    line.remove_suffix(n);
  }
  return line;
}

// Closes a file descriptor it owns.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports close()'s result (0, or -1 with errno set).
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

}  // namespace

std::string to_string(const UserFileError& error) {
  return "line " + std::to_string(error.line) + ": " + error.message;
}

std::variant<std::vector<UserFileEntry>, UserFileError> parse_user_file(std::string_view text) {
  std::vector<UserFileEntry> records;
  std::unordered_map<std::string_view, std::size_t> first_line;  // name -> line number
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);

    line = strip(line);
    if (line.empty()) {
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return UserFileError{line_number, "missing ':'"};
    }
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = line.substr(colon + 1);
    if (!is_valid_username(name)) {
      return UserFileError{line_number, "invalid username"};
    }
    UserFileEntry entry;
    entry.name = std::string(name);
    if (value.starts_with(kVerifierPrefix)) {
      entry.verifier = auth::parse_verifier(value);
      if (!entry.verifier) {
        return UserFileError{line_number, "invalid SCRAM-SHA-256 verifier"};
      }
    } else if (is_password_hash(value)) {
      entry.hash = std::string(value);
    } else {
      return UserFileError{line_number, "invalid password hash"};
    }
    const auto [it, inserted] = first_line.emplace(name, line_number);
    if (!inserted) {
      return UserFileError{line_number, "duplicate user " + std::string(name) + " (first on line " +
                                            std::to_string(it->second) + ")"};
    }
    records.push_back(std::move(entry));
  }
  return records;
}

std::string format_user_file(std::span<const UserRecord> records) {
  std::string out;
  for (const UserRecord& record : records) {
    out += record.name;
    out += ':';
    out += auth::format_verifier(record.verifier);
    out += '\n';
  }
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    throw_os_error(path, "", err);
  }
  std::string out;
  std::array<char, 64 * 1024> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) {
        continue;
      }
      throw_os_error(path, "", err);
    }
    if (n == 0) {
      return out;
    }
    out.append(buffer.data(), static_cast<std::size_t>(n));
  }
}

void write_file_atomically(const std::filesystem::path& path, std::string_view text, mode_t mode) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) {
    dir = ".";
  }
  std::string name = ".";
  name += path.filename().string();
  name += ".tmp-XXXXXX";
  std::string temp = (dir / name).string();
  Fd fd(::mkstemp(temp.data()));
  if (fd.get() < 0) {
    const int err = errno;
    throw_os_error(path, "cannot create a temporary file", err);
  }
  // Removes the temporary file unless it was renamed into place.
  struct Unlinker {
    const std::string* name;
    ~Unlinker() {
      if (name != nullptr) {
        ::unlink(name->c_str());
      }
    }
  } unlinker{&temp};

  if (::fchmod(fd.get(), mode) != 0) {
    const int err = errno;
    throw_os_error(path, "cannot set the mode", err);
  }
  while (!text.empty()) {
    const ssize_t n = ::write(fd.get(), text.data(), text.size());
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) {
        continue;
      }
      throw_os_error(path, "cannot write", err);
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd.get()) != 0) {
    const int err = errno;
    throw_os_error(path, "cannot sync", err);
  }
  if (fd.close() != 0) {
    const int err = errno;
    throw_os_error(path, "cannot close", err);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    throw_os_error(path, "cannot rename the temporary file into place", err);
  }
  unlinker.name = nullptr;

  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0) {
    const int err = errno;
    throw_os_error(dir, "cannot sync the directory", err);
  }
}

}  // namespace tsna
