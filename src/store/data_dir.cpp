// data_dir.cpp - creating and locking the data directory (data_dir.hpp).
#include "store/data_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/os_error.hpp"

namespace tsna {
namespace {

constexpr mode_t kDirMode = 0700;
constexpr mode_t kFileMode = 0600;
constexpr const char* kLockFile = "tsna-server.pid";

// The pid the holder wrote, or "unknown" (it may not have written it yet).
std::string holder_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) {
    pid.pop_back();
  }
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

void ensure_private_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  const auto status = std::filesystem::status(dir, ec);
  if (std::filesystem::exists(status)) {
    if (!std::filesystem::is_directory(status)) {
      throw std::runtime_error(dir.string() + ": not a directory");
    }
    return;
  }
  const auto parent = dir.parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      throw std::runtime_error(parent.string() + ": cannot create directory: " + ec.message());
    }
  }
  if (::mkdir(dir.c_str(), kDirMode) != 0) {
    const int err = errno;
    if (err != EEXIST) {
      throw_os_error(dir.string(), "cannot create directory", err);
    }
  }
}

DataDirLock DataDirLock::acquire(const std::filesystem::path& dir) {
  ensure_private_directory(dir);
  const std::string path = (dir / kLockFile).string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, kFileMode);
  if (fd < 0) {
    throw_os_error(path, "cannot open", errno);
  }
  DataDirLock lock(fd);  // closes fd on every throw below
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err == EWOULDBLOCK) {
      throw std::runtime_error(dir.string() + ": in use by another tsna-server (pid " +
                               holder_pid(fd) + ")");
    }
    throw_os_error(path, "cannot lock", err);
  }
  lock.held_ = true;
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    throw_os_error(path, "cannot write the pid", errno);
  }
  return lock;
}

DataDirLock::DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_), held_(other.held_) {
  other.fd_ = -1;
  other.held_ = false;
}

DataDirLock::~DataDirLock() {
  if (fd_ < 0) {
    return;
  }
  if (held_) {
    // Still locked while emptied, so nobody reads a half-written file. The file stays: removing
    // it would let a process that opened it before the unlink lock a file nobody else sees.
    [[maybe_unused]] const int rc = ::ftruncate(fd_, 0);
  }
  ::close(fd_);
}

}  // namespace tsna
