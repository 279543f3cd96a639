// null_audit_sink.hpp - a test double: an AuditSink that discards every record, for tests and
// micro-benchmarks of other layers.
#pragma once

#include "audit/audit_sink.hpp"

namespace tsna {

class NullAuditSink final : public AuditSink {
 public:
  void record(const AuditEvent&) override {}
};

}  // namespace tsna
