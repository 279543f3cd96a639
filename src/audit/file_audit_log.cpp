// file_audit_log.cpp - the buffered JSON Lines audit writer (SPEC 4.3): callers format and
// append under a mutex; one writer thread owns the file descriptor and does all the I/O.
#include "audit/file_audit_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include "audit/json_line.hpp"
#include "common/dialect.hpp"

namespace tsna {
namespace {

// Opens the log for appending. A file whose last line was torn by a crash (no final '\n') gets
// a '\n' first, so that the torn line stays alone and the next record starts a line of its own.
int open_log(const std::filesystem::path& path) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    return fd;
  }
  const off_t size = ::lseek(fd, 0, SEEK_END);
  char last = '\n';
  if (size > 0 && ::pread(fd, &last, 1, size - 1) == 1 && last != '\n') {
    [[maybe_unused]] const ssize_t n = ::write(fd, "\n", 1);
  }
  return fd;
}

}  // namespace

FileAuditLog::FileAuditLog(std::filesystem::path file, std::size_t cmd_max_bytes,
                           FileAuditLogOptions options)
    : path_(std::move(file)), cmd_max_bytes_(cmd_max_bytes), options_(options) {
  fd_ = open_log(path_);
  if (fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "audit: cannot open " + path_.string());
  }
  try {
    writer_ = std::thread([this] { run_writer(); });
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

FileAuditLog::~FileAuditLog() {
  close();
}

namespace {

// One thread's records between begin_batch() and end_batch(), and its cache of the start of
// the last record it formatted: timestamp, peer, user and dialect depend only on the event's
// millisecond and identity (identities are process-wide unique), and the records of one read
// share both.
struct ThreadBatch {
  const FileAuditLog* owner = nullptr;
  int depth = 0;
  std::string lines;
  std::uint64_t count = 0;
  WallTime last_ts{};
  std::uint64_t identity = 0;
  std::string identity_json;
  std::int64_t prefix_millis = INT64_MIN;
  std::string prefix;  // append_json_head + identity_json, for (prefix_millis, identity)
};

thread_local ThreadBatch tl_batch;

}  // namespace

void FileAuditLog::format(std::string& out, const AuditEvent& event) const {
  if (event.identity == 0) {
    append_json_line(out, event, cmd_max_bytes_);
    return;
  }
  ThreadBatch& b = tl_batch;
  const std::int64_t millis =
      std::chrono::floor<std::chrono::milliseconds>(event.ts).time_since_epoch().count();
  if (b.identity != event.identity) {
    b.identity_json.clear();
    append_json_identity(b.identity_json, event);
    b.identity = event.identity;
    b.prefix_millis = INT64_MIN;
  }
  if (b.prefix_millis != millis) {
    b.prefix.clear();
    append_json_head(b.prefix, event);
    b.prefix += b.identity_json;
    b.prefix_millis = millis;
  }
  out += b.prefix;
  append_json_tail(out, event, cmd_max_bytes_);
}

void FileAuditLog::record(const AuditEvent& event) {
  if (tl_batch.depth > 0 && tl_batch.owner == this) {
    format(tl_batch.lines, event);
    ++tl_batch.count;
    tl_batch.last_ts = event.ts;
    return;
  }
  // Formatting happens outside the lock; the scratch string keeps its capacity per thread.
  thread_local std::string line;
  line.clear();
  format(line, event);
  commit(line, 1, event.ts);
}

void FileAuditLog::begin_batch() {
  if (tl_batch.depth++ == 0) {
    tl_batch.owner = this;
  }
}

void FileAuditLog::end_batch() {
  if (--tl_batch.depth > 0 || tl_batch.owner != this) {
    return;
  }
  if (tl_batch.count > 0) {
    commit(tl_batch.lines, tl_batch.count, tl_batch.last_ts);
  }
  tl_batch.lines.clear();
  tl_batch.count = 0;
  tl_batch.owner = nullptr;
}

void FileAuditLog::commit(std::string_view lines, std::uint64_t count, WallTime last_ts) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (stopping_ ||
        pending_.size() + in_flight_bytes_ + lines.size() > options_.max_buffered_bytes) {
      dropped_.fetch_add(count, std::memory_order_relaxed);
      last_drop_ts_ = last_ts;
      return;
    }
    if (dropped_.load(std::memory_order_relaxed) != drops_noted_) {
      append_drop_note();
    }
    const bool was_below = pending_.size() < options_.wake_bytes;
    pending_ += lines;
    recorded_ += count;
    wake = was_below && pending_.size() >= options_.wake_bytes;
  }
  if (wake) {
    writer_wake_.notify_one();
  }
}

void FileAuditLog::flush() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = recorded_;
  const std::uint64_t reopens = reopens_requested_;
  const std::uint64_t failures = failed_passes_;
  if (target > flush_target_) {
    flush_target_ = target;
  }
  writer_wake_.notify_one();
  written_.wait(lock, [&] {
    return writer_done_ || failed_passes_ != failures ||
           (written_records_ >= target && reopens_handled_ >= reopens);
  });
}

void FileAuditLog::reopen() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      return;
    }
    ++reopens_requested_;
    reopen_at_ = pending_.size();
  }
  writer_wake_.notify_one();
}

void FileAuditLog::close() {
  std::lock_guard close_lock(close_mu_);
  if (!writer_.joinable()) {
    return;
  }
  {
    std::lock_guard lock(mu_);
    if (dropped_.load(std::memory_order_relaxed) != drops_noted_) {
      append_drop_note();
    }
    stopping_ = true;
  }
  writer_wake_.notify_one();
  writer_.join();
  ::close(fd_);
  fd_ = -1;
}

void FileAuditLog::append_drop_note() {
  const std::uint64_t count = dropped_.load(std::memory_order_relaxed) - drops_noted_;
  drops_noted_ += count;
  char text[64] = "audit: ";
  constexpr std::size_t kPrefix = 7;
  const auto digits = std::to_chars(text + kPrefix, text + sizeof text, count);
  const std::string_view suffix = " records dropped";
  std::size_t length = static_cast<std::size_t>(digits.ptr - text);
  suffix.copy(text + length, suffix.size());
  length += suffix.size();
  AuditEvent note;
  note.ts = last_drop_ts_;
  note.peer = "-";
  note.user = std::nullopt;
  note.dialect = Dialect::kClassic;
  note.cmd = std::string_view(text, length);
  append_json_line(pending_, note, cmd_max_bytes_);
}

// Writes batch[0, count) to fd_, resuming partial writes and EINTR, and erases what was written
// from the front of `batch`. Returns false (counted) if a write() failed.
bool FileAuditLog::write_front(std::string& batch, std::size_t count) {
  std::size_t done = 0;
  bool failed = false;
  while (done < count) {
    const ssize_t n = ::write(fd_, batch.data() + done, count - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      failed = true;  // ENOSPC, EIO, ... (0 bytes for a non-empty write counts as a failure)
      break;
    }
  }
  if (done == batch.size()) {
    batch.clear();
  } else if (done > 0) {
    batch.erase(0, done);
  }
  if (failed) {
    write_errors_.fetch_add(1, std::memory_order_relaxed);
  }
  return !failed;
}

bool FileAuditLog::reopen_file() {
  const int fd = open_log(path_);
  if (fd < 0) {
    write_errors_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  ::close(fd_);
  fd_ = fd;
  return true;
}

void FileAuditLog::run_writer() {
  std::string batch;  // taken from pending_ and not yet written; kept, in order, across failures
  bool retry_reopen = false;
  bool last_pass_failed = false;
  std::unique_lock lock(mu_);
  for (;;) {
    if (last_pass_failed) {
      // Back off one interval; a full disk must not turn into a busy loop.
      writer_wake_.wait_for(lock, options_.write_interval,
                            [&] { return stopping_ || reopens_requested_ != reopens_handled_; });
    } else {
      writer_wake_.wait_for(lock, options_.write_interval, [&] {
        return stopping_ || reopens_requested_ != reopens_handled_ ||
               pending_.size() >= options_.wake_bytes || flush_target_ > written_records_;
      });
    }
    const bool stop = stopping_;
    const std::uint64_t reopens = reopens_requested_;
    const bool reopen_requested = reopens != reopens_handled_;
    // Bytes that belong to the old file: what was held, plus what was recorded before reopen().
    const std::size_t old_file_share = batch.size() + (reopen_requested ? reopen_at_ : 0);
    reopen_at_ = 0;
    if (batch.empty()) {
      batch.swap(pending_);  // the two buffers trade places and keep their capacity
    } else {
      batch += pending_;
      pending_.clear();
    }
    const std::uint64_t taken = recorded_;
    in_flight_bytes_ = batch.size();
    lock.unlock();

    if (reopen_requested || retry_reopen) {
      write_front(batch, old_file_share);  // if it fails, those bytes go to the new file
      retry_reopen = !reopen_file();
    }
    const bool ok = write_front(batch, batch.size());
    if (batch.empty() && batch.capacity() > 4 * options_.wake_bytes) {
      std::string().swap(batch);  // give back what a burst or a stuck disk made us hold
    }

    lock.lock();
    in_flight_bytes_ = batch.size();
    reopens_handled_ = reopens;
    if (ok) {
      written_records_ = taken;
      written_total_.store(taken, std::memory_order_relaxed);
    } else {
      ++failed_passes_;
    }
    last_pass_failed = !ok;
    written_.notify_all();
    if (stop) {
      break;  // one last attempt only: what a failing disk still holds now is lost
    }
  }
  writer_done_ = true;
  written_.notify_all();
}

}  // namespace tsna
