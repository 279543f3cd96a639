// key_log.cpp - the SSLKEYLOGFILE callback: one write(2) per key line on a file opened with
// O_APPEND, so that lines of several tsna processes sharing the file never interleave.
#include "client/key_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace tsna::client {
namespace {

// The key log file, opened at the first TLS context of the process; -1 when there is none.
int key_log_fd() {
  static const int fd = [] {
    const char* path = std::getenv(kKeyLogVariable);
    if (path == nullptr || *path == '\0') {
      return -1;
    }
    const int opened = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (opened < 0) {
      std::fprintf(stderr, "tsna: %s: cannot open %s: %s\n", kKeyLogVariable, path,
                   std::strerror(errno));
    }
    return opened;
  }();
  return fd;
}

void write_key_line(const SSL* /*ssl*/, const char* line) {
  std::string text(line);
  text.push_back('\n');
  // Best effort: a key log that cannot be written must not break the session.
  [[maybe_unused]] const ssize_t written = ::write(key_log_fd(), text.data(), text.size());
}

}  // namespace

void enable_key_log(SSL_CTX* ctx) {
  if (key_log_fd() >= 0) {
    SSL_CTX_set_keylog_callback(ctx, write_key_line);
  }
}

}  // namespace tsna::client
