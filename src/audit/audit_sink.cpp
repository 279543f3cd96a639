// audit_sink.cpp - the process-wide source of audit identity values (audit_sink.hpp).
#include "audit/audit_sink.hpp"

#include <atomic>

namespace tsna {

std::uint64_t next_audit_identity() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace tsna
