// tcp_stream.cpp - non-blocking TCP socket driven by poll() with deadlines; EINTR ends a wait
// only when a stop signal is pending (client/signals.hpp).
#include "client/tcp_stream.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "client/signals.hpp"

namespace tsna::client {

IoResult error_from_errno(int err) {
  if (err == ECONNRESET || err == EPIPE) {
    return IoResult{IoStatus::kReset, {}};
  }
  return IoResult{IoStatus::kError, std::strerror(err)};
}

IoResult wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int n = wait_ready(&p, 1, poll_timeout(deadline));
    if (n > 0) {
      return IoResult{};
    }
    if (n == 0) {
      return IoResult{IoStatus::kTimeout, {}};
    }
    if (errno != EINTR) {
      return error_from_errno(errno);
    }
    if (pending_stop_signal() != 0) {
      return IoResult{IoStatus::kInterrupted, {}};
    }
  }
}

int poll_timeout(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  // Round up so that a wait never ends a little before its deadline.
  return static_cast<int>(std::clamp<long long>(left + 1, 0, 24LL * 3600 * 1000));
}

std::unique_ptr<TcpStream> TcpStream::connect(std::uint32_t ipv4, std::uint16_t port,
                                              Clock::time_point deadline, IoResult& error) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = error_from_errno(errno);
    return nullptr;
  }
  auto stream = std::make_unique<TcpStream>(fd);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = ipv4;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS && errno != EINTR) {
      error = error_from_errno(errno);
      return nullptr;
    }
    error = wait_for(fd, POLLOUT, deadline);
    if (!error.ok()) {
      return nullptr;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
      err = errno;
    }
    if (err != 0) {
      error = IoResult{IoStatus::kError, std::strerror(err)};
      return nullptr;
    }
  }
  // Commands and answers are small and each waits for its reply: Nagle would only delay them.
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  error = IoResult{};
  return stream;
}

TcpStream::TcpStream(int fd) : fd_(fd) {
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags >= 0) {
    ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
  }
}

TcpStream::~TcpStream() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

IoResult TcpStream::read_some(std::span<char> out, Clock::time_point deadline, std::size_t& got) {
  got = 0;
  for (;;) {
    IoResult ready = wait_for(fd_, POLLIN, deadline);
    if (!ready.ok()) {
      return ready;
    }
    const ssize_t n = ::recv(fd_, out.data(), out.size(), 0);
    if (n > 0) {
      got = static_cast<std::size_t>(n);
      return IoResult{};
    }
    if (n == 0) {
      return IoResult{IoStatus::kClosed, {}};
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return error_from_errno(errno);
    }
  }
}

IoResult TcpStream::write_all(std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return error_from_errno(errno);
    }
    IoResult ready = wait_for(fd_, POLLOUT, deadline);
    if (!ready.ok()) {
      return ready;
    }
  }
  return IoResult{};
}

}  // namespace tsna::client
