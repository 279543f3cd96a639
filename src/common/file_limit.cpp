// file_limit.cpp - getrlimit/setrlimit for RLIMIT_NOFILE.
#include "common/file_limit.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace tsna {

std::optional<FileLimit> raise_file_limit(std::size_t sockets) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    return std::nullopt;
  }
  FileLimit result;
  result.needed = static_cast<std::uint64_t>(sockets) + kSpareFileDescriptors;
  const rlim_t want = static_cast<rlim_t>(result.needed);
  if (lim.rlim_cur < want) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max == RLIM_INFINITY ? want : std::min(want, lim.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      lim = raised;
    }
  }
  result.current = static_cast<std::uint64_t>(lim.rlim_cur);
  return result;
}

}  // namespace tsna
