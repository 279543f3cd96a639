// audit_sink.hpp - the AuditSink interface: one record per message a peer sends (SPEC 4.3).
// Sessions hand records here and never touch the file; file_audit_log.hpp writes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/clock.hpp"
#include "common/dialect.hpp"

namespace tsna {

struct AuditEvent {
  WallTime ts;
  std::string_view peer;                 // "ip:port"
  std::optional<std::string_view> user;  // logged-in user, or nullopt
  Dialect dialect;
  std::string_view cmd;    // the raw message as received (redacted by the sink)
  bool is_answer = false;  // the answer to a challenge: recorded as "***" whatever it holds
  // `cmd` was assembled by the session from checked parts, not received as is (an `auth` line
  // shown with the user name decoded from its SCRAM message): no argument is masked as a
  // secret, though hex runs, UTF-8 and the cap are still applied.
  bool prepared = false;
  // For an answer: the name the login was for (the record's "login" field), so that a failed
  // login says which account it tried, as OpenSSH's "Failed password for NAME" does.
  std::optional<std::string_view> login;
  int code = 0;  // the reply's code (200, 300, 400), or 0 for none (null)
  // Nonzero: every event with this value has the same peer, user and dialect, so a sink may
  // reuse their formatting. Take values from next_audit_identity().
  std::uint64_t identity = 0;
};

// A process-wide unique nonzero identity value. Thread safe.
std::uint64_t next_audit_identity();

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Thread safe and non-blocking: the event is copied, redacted and queued. Must not do I/O.
  virtual void record(const AuditEvent& event) = 0;

  // Bracket a burst of records made by one thread (a read's worth of messages): the sink may
  // hold them and hand them on together at the outer end_batch(). Nest on a thread; use
  // AuditBatch rather than calling these directly.
  virtual void begin_batch() {}
  virtual void end_batch() {}
};

// RAII bracket for AuditSink::begin_batch()/end_batch(): the batch ends even on an exception.
class AuditBatch {
 public:
  explicit AuditBatch(AuditSink& sink) : sink_(sink) { sink_.begin_batch(); }
  ~AuditBatch() { sink_.end_batch(); }
  AuditBatch(const AuditBatch&) = delete;
  AuditBatch& operator=(const AuditBatch&) = delete;

 private:
  AuditSink& sink_;
};

}  // namespace tsna
