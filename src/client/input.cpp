// input.cpp - the non-interactive command sources: `-c` lists and file-descriptor lines.
#include "client/input.hpp"

#include <unistd.h>

#include <cerrno>

#include "client/signals.hpp"

namespace tsna::client {

LineStatus ListSource::next(std::string_view, CompletionState, std::string& line) {
  if (pending_stop_signal() != 0) {
    return LineStatus::kInterrupted;
  }
  if (next_ >= lines_.size()) {
    return LineStatus::kEof;
  }
  line = lines_[next_++];
  return LineStatus::kLine;
}

LineStatus FdLineSource::next(std::string_view, CompletionState, std::string& line) {
  for (;;) {
    if (pending_stop_signal() != 0) {
      return LineStatus::kInterrupted;
    }
    const std::size_t nl = buffer_.find('\n');
    if (nl != std::string::npos || (eof_ && !buffer_.empty())) {
      const std::size_t end = nl == std::string::npos ? buffer_.size() : nl;
      line = buffer_.substr(0, end);
      buffer_.erase(0, nl == std::string::npos ? end : end + 1);
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      return LineStatus::kLine;
    }
    if (eof_) {
      return LineStatus::kEof;
    }
    pollfd p{fd_, POLLIN, 0};
    if (wait_ready(&p, 1, -1) < 0) {
      continue;  // the loop head tells a stop signal from any other
    }
    char chunk[4096];
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      eof_ = true;
    }
  }
}

}  // namespace tsna::client
