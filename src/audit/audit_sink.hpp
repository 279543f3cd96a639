// audit_sink.hpp - the AuditSink interface: one record per message a peer sends (SPEC 4.3).
// Sessions hand records here and never touch the file; file_audit_log.hpp writes them.
#pragma once

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
  int code = 0;            // the reply's code (200, 300, 400), or 0 for none (null)
};

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Thread safe and non-blocking: the event is copied, redacted and queued. Must not do I/O.
  virtual void record(const AuditEvent& event) = 0;
};

// Discards everything; for tests and benchmarks of other layers.
class NullAuditSink final : public AuditSink {
 public:
  void record(const AuditEvent&) override {}
};

}  // namespace tsna
