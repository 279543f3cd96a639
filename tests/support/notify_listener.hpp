// notify_listener.hpp - a stand-in for systemd's notify socket in tests: a unix datagram socket
// bound at a path or an abstract name, whose address goes in $NOTIFY_SOCKET, and a bounded
// receive. Header-only (unit and integration tests use it); depends on nothing of TSNA.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <system_error>

namespace tsna::testing {

class NotifyListener {
 public:
  // `address` as $NOTIFY_SOCKET spells it: "/path" or "@abstract-name".
  explicit NotifyListener(std::string address) : address_(std::move(address)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      throw std::system_error(errno, std::generic_category(), "socket");
    }
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, address_.data(), address_.size());
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size());
    if (address_.front() == '@') {
      sa.sun_path[0] = '\0';
    } else {
      length += 1;
    }
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&sa), length) != 0) {
      const int err = errno;
      ::close(fd_);
      throw std::system_error(err, std::generic_category(), "bind " + address_);
    }
  }
  ~NotifyListener() {
    ::close(fd_);
    if (address_.front() == '/') {
      ::unlink(address_.c_str());
    }
  }
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  const std::string& address() const { return address_; }

  // The next datagram, or nullopt when none comes within `limit`.
  std::optional<std::string> receive(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count())) != 1) {
      return std::nullopt;
    }
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0) {
      return std::nullopt;
    }
    return std::string(buf, static_cast<std::size_t>(n));
  }

 private:
  std::string address_;
  int fd_ = -1;
};

}  // namespace tsna::testing
