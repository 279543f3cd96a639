// file_limit.hpp - raising this process's open-file limit (RLIMIT_NOFILE) so that a number of
// sockets fits: one rule for tsna-server and tsna-bench. Prints nothing: each caller words its
// own warning from what was achieved. Depends on nothing above POSIX.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace tsna {

// Descriptors kept free beside the sockets: listening sockets, stdio, the store, the audit log.
inline constexpr std::uint64_t kSpareFileDescriptors = 64;

struct FileLimit {
  std::uint64_t needed = 0;   // sockets + kSpareFileDescriptors
  std::uint64_t current = 0;  // the soft limit in force afterwards
  bool enough() const { return current >= needed; }
};

// Raises the soft limit to `sockets` + kSpareFileDescriptors, or as far as the hard limit
// allows; never lowers it. nullopt when the limit cannot be read (nothing is changed then).
std::optional<FileLimit> raise_file_limit(std::size_t sockets);

}  // namespace tsna
