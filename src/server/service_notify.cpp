// service_notify.cpp - the notify datagram: a fresh unix datagram socket per message, sendto,
// close. A path must be absolute; '@' at the start means the abstract namespace.
#include "server/service_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace tsna {

std::optional<std::string> notify_service_manager(std::string_view state) {
  const char* value = std::getenv(kNotifySocketVariable);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  const std::string_view name(value);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if ((name.front() != '/' && name.front() != '@') || name.size() >= sizeof address.sun_path) {
    return std::string(kNotifySocketVariable) + "=" + std::string(name) +
           ": not an absolute path or an @abstract name that fits a unix socket address";
  }
  std::memcpy(address.sun_path, name.data(), name.size());
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  if (name.front() == '@') {
    address.sun_path[0] = '\0';  // abstract: the name is the bytes after the NUL, no terminator
  } else {
    length += 1;  // a path is sent with its terminating NUL
  }
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return std::string("socket: ") + std::strerror(errno);
  }
  const ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address), length);
  const int err = errno;
  ::close(fd);
  if (sent < 0) {
    return std::string(name) + ": " + std::strerror(err);
  }
  return std::nullopt;
}

}  // namespace tsna
