// limits.hpp - every limit TSNA enforces, with its default and why. Depends on nothing.
// Checked before appending or allocating; tests shrink them to exercise the edges.
#pragma once

#include <chrono>
#include <cstddef>

namespace tsna {

struct Limits {
  // Longest request line (TSNA/2) or classic message, not counting the line end (SPEC 1.1, 1.2).
  std::size_t max_line_bytes = 4096;
  // Output buffered for a peer that does not read; past it the server stops reading (SPEC 4.4).
  std::size_t max_output_bytes = 1 << 20;
  // Bytes taken from a socket per read; bounds input buffered while a command waits for the store.
  std::size_t read_chunk_bytes = 16 * 1024;
  // Connections open at once; the next gets "400:Too many connections" (SPEC 4.1).
  std::size_t max_connections = 10000;
  // A connection with no complete message for this long is closed (SPEC 4.4).
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(300);
  // A challenge must be answered within this (or the idle timeout, if shorter) (SPEC 4.4).
  std::chrono::milliseconds challenge_lifetime = std::chrono::seconds(30);
  // Failed logins per address or name within the window before the backoff starts (SPEC 4.4).
  int failed_login_threshold = 5;
  std::chrono::seconds failed_login_window{60};
  std::chrono::seconds backoff_start{1};
  std::chrono::seconds backoff_max{300};
  // Entries per throttle table (addresses, names): bounded so a flood cannot grow memory.
  std::size_t throttle_table_capacity = 65536;
  // Store requests (lookups, PBKDF2 derivations, writes) queued or running at once; past it a
  // request is answered "400:Service unavailable, try again later" at once, so peers cannot buy
  // unbounded CPU or memory with logins and registrations (SPEC 4.4).
  std::size_t store_queue_capacity = 256;
  // The audit log's cmd field is cut at this many bytes (SPEC 4.3).
  std::size_t audit_cmd_max_bytes = 512;

  std::chrono::milliseconds effective_challenge_lifetime() const {
    return challenge_lifetime < idle_timeout ? challenge_lifetime : idle_timeout;
  }
};

}  // namespace tsna
