// file_audit_log.hpp - the AuditSink that appends JSON Lines to DATA_DIR/data_log.jsonl from its
// own writer thread (SPEC 4.3). Uses POSIX files and std::thread; no asio, no signal handling.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "audit/audit_sink.hpp"

namespace tsna {

struct FileAuditLogOptions {
  // The writer wakes at least this often, so a record reaches the file well within the one
  // second SPEC 4.3 promises.
  std::chrono::milliseconds write_interval{200};
  // A buffer this big wakes the writer early: each write() stays large but bounded.
  std::size_t wake_bytes = 256 * 1024;
  // Unwritten bytes (buffered + being written) past which records are dropped and counted, so a
  // stuck or full disk cannot grow memory without bound.
  std::size_t max_buffered_bytes = 64 * 1024 * 1024;
};

// record() formats the line on the caller's thread (into a thread_local scratch string), appends
// it to a buffer under a mutex and returns: no I/O, no allocation once buffers are warm. The
// writer thread swaps the buffer out and write()s it in one go (partial writes and EINTR
// resumed) every write_interval, sooner when it passes wake_bytes, on flush() and on reopen().
//
// Faults: a failed write() (disk full, EIO) keeps the unwritten bytes, in order, and retries one
// interval later; write_errors() counts failed attempts. Past max_buffered_bytes a record is not
// buffered but counted in dropped(); the next record accepted is preceded by one line
//   {"ts":<ts of the last dropped record>,"peer":"-","user":null,"dialect":"classic",
//    "cmd":"audit: N records dropped","code":null}
// (close() writes that line too if drops are still unreported). The file is never truncated.
class FileAuditLog final : public AuditSink {
 public:
  // Opens `file` with O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC (mode 0600 when created; an existing
  // file keeps its mode) and starts the writer. Throws std::system_error (a std::runtime_error)
  // if it cannot.
  explicit FileAuditLog(std::filesystem::path file, std::size_t cmd_max_bytes = 512,
                        FileAuditLogOptions options = {});
  ~FileAuditLog() override;  // close()

  FileAuditLog(const FileAuditLog&) = delete;
  FileAuditLog& operator=(const FileAuditLog&) = delete;

  // Thread safe, never blocks on I/O. After close() records are dropped (and counted).
  void record(const AuditEvent& event) override;
  // Between them, a thread's records are formatted into a buffer of that thread's and appended
  // under the lock once, at the outer end_batch() (one lock per read, not per message).
  void begin_batch() override;
  void end_batch() override;

  // Blocks until everything recorded before the call has been written and any reopen()
  // requested before it is done — or until a write attempt made after the call fails (the data
  // stays buffered for the next retry), so it never hangs on a full disk. Thread safe.
  void flush();

  // Log rotation: asks the writer to close and reopen the path (creating it again) at its next
  // safe point, promptly and without blocking the caller. Records recorded before the call go
  // to the old file, later ones to the new. If the path cannot be opened the old file stays in
  // use, the failure is counted in write_errors() and the reopen is retried every interval.
  // Thread safe; call it from a normal thread (e.g. an asio signal_set handler), not from a raw
  // signal handler.
  void reopen();

  // Writes what is buffered (one last attempt), stops the writer and closes the file.
  // Idempotent; the destructor calls it.
  void close();

  // Records not written because the buffer was over max_buffered_bytes (or recorded after
  // close()).
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  // Records written to the file so far (read by the metrics, from any thread).
  std::uint64_t written() const { return written_total_.load(std::memory_order_relaxed); }
  // Failed write() and reopen attempts.
  std::uint64_t write_errors() const { return write_errors_.load(std::memory_order_relaxed); }

 private:
  void format(std::string& out, const AuditEvent& event) const;
  void commit(std::string_view lines, std::uint64_t count, WallTime last_ts);
  void run_writer();
  bool write_front(std::string& batch, std::size_t count);
  bool reopen_file();
  void append_drop_note();  // under mu_

  const std::filesystem::path path_;
  const std::size_t cmd_max_bytes_;
  const FileAuditLogOptions options_;
  int fd_ = -1;  // the writer thread's alone while it runs

  std::mutex mu_;
  std::condition_variable writer_wake_;  // record() past wake_bytes, flush(), reopen(), close()
  std::condition_variable written_;      // the writer finished a pass
  std::string pending_;                  // formatted lines not yet taken by the writer
  std::size_t in_flight_bytes_ = 0;      // bytes the writer holds (being written or retried)
  std::uint64_t recorded_ = 0;           // records accepted so far
  std::uint64_t written_records_ = 0;    // records known to be in the file
  std::uint64_t flush_target_ = 0;       // highest `recorded_` a flush() waits for
  std::uint64_t failed_passes_ = 0;      // writer passes that left data unwritten
  std::uint64_t reopens_requested_ = 0;
  std::uint64_t reopens_handled_ = 0;
  std::size_t reopen_at_ = 0;  // pending_ bytes recorded before the latest reopen()
  std::uint64_t drops_noted_ = 0;
  WallTime last_drop_ts_{};
  bool stopping_ = false;
  bool writer_done_ = false;

  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> written_total_{0};  // written_records_, for reading without mu_
  std::atomic<std::uint64_t> write_errors_{0};

  std::mutex close_mu_;
  std::thread writer_;
};

}  // namespace tsna
