// data_dir.hpp - the server's data directory (SPEC 4.2): created private (mode 0700), and held
// by one server at a time through DIR/tsna-server.pid, as PostgreSQL's postmaster.pid does.
// Plain POSIX calls; depends on nothing.
#pragma once

#include <filesystem>

namespace tsna {

// Creates `dir` (and missing parents) if needed; the last component gets mode 0700. Throws
// std::runtime_error naming the path when it cannot, or when `dir` is not a directory.
void ensure_private_directory(const std::filesystem::path& dir);

// An exclusive lock on a data directory for this process's life: an flock on DIR/tsna-server.pid,
// which holds the holder's pid. The kernel drops the lock when the process dies, so a file left
// by a crash is taken over. Move-only.
class DataDirLock {
 public:
  // Creates the directory as ensure_private_directory() does, then locks it. Throws
  // std::runtime_error "DIR: in use by another tsna-server (pid N)" when another process holds
  // it, or naming the path and cause when the file cannot be used.
  static DataDirLock acquire(const std::filesystem::path& dir);

  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&&) = delete;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  // Empties the pid file (the directory is no longer in use) and releases the lock.
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
  bool held_ = false;  // the flock was taken: only then is the pid file ours to write
};

}  // namespace tsna
