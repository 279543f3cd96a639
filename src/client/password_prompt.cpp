// password_prompt.cpp - termios echo-off prompt. TCSANOW, not TCSAFLUSH: keystrokes typed ahead
// stay queued (they were not echoed: the line editor had echo off while they arrived).
#include "client/password_prompt.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "client/messages.hpp"
#include "client/signals.hpp"

namespace tsna::client {
namespace {

// The terminal to prompt on, closed (when opened here) and restored on destruction.
class EchoOffTerminal {
 public:
  EchoOffTerminal() {
    fd_ = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    owned_ = fd_ >= 0;
    if (!owned_) {
      fd_ = STDIN_FILENO;
    }
    if (::tcgetattr(fd_, &saved_) != 0) {
      return;
    }
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK);
    quiet.c_lflag |= ICANON;
    active_ = ::tcsetattr(fd_, TCSANOW, &quiet) == 0;
  }
  ~EchoOffTerminal() {
    if (active_) {
      ::tcsetattr(fd_, TCSANOW, &saved_);
    }
    if (owned_) {
      ::close(fd_);
    }
  }
  EchoOffTerminal(const EchoOffTerminal&) = delete;
  EchoOffTerminal& operator=(const EchoOffTerminal&) = delete;

  bool active() const { return active_; }
  int fd() const { return fd_; }
  // Where the prompt goes: the terminal itself, or stdout when reading stdin.
  int out_fd() const { return owned_ ? fd_ : STDOUT_FILENO; }

 private:
  int fd_ = -1;
  bool owned_ = false;
  bool active_ = false;
  termios saved_{};
};

void write_text(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) {
      if (n < 0 && errno == EINTR && pending_stop_signal() == 0) {
        continue;
      }
      return;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

PromptStatus read_password(std::string_view prompt, Secret& password) {
  std::fflush(stdout);
  EchoOffTerminal terminal;
  if (!terminal.active()) {
    return PromptStatus::kNoTerminal;
  }
  write_text(terminal.out_fd(), prompt);
  std::string& buffer = password.buffer();
  password.clear();
  buffer.reserve(1024);  // so that typing does not leave copies behind in freed memory
  PromptStatus status = PromptStatus::kOk;
  for (;;) {
    pollfd p{terminal.fd(), POLLIN, 0};
    if (wait_ready(&p, 1, -1) < 0) {
      if (pending_stop_signal() != 0) {
        status = PromptStatus::kInterrupted;
        break;
      }
      continue;
    }
    char c = 0;
    const ssize_t n = ::read(terminal.fd(), &c, 1);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      status = PromptStatus::kEof;
      break;
    }
    if (n == 0) {
      // Ctrl-D: on an empty line it means "no password"; after some text it ends the line.
      status = buffer.empty() ? PromptStatus::kEof : PromptStatus::kOk;
      break;
    }
    if (c == '\n') {
      break;
    }
    buffer.push_back(c);
  }
  // The Enter that ended the line was not echoed.
  write_text(terminal.out_fd(), "\n");
  if (!buffer.empty() && buffer.back() == '\r') {
    buffer.pop_back();
  }
  if (status != PromptStatus::kOk) {
    password.clear();
  }
  return status;
}

ConfirmStatus read_new_password(Secret& password) {
  const auto convert = [](PromptStatus s) {
    switch (s) {
      case PromptStatus::kOk:
        return ConfirmStatus::kOk;
      case PromptStatus::kEof:
        return ConfirmStatus::kEof;
      case PromptStatus::kInterrupted:
        return ConfirmStatus::kInterrupted;
      case PromptStatus::kNoTerminal:
        break;
    }
    return ConfirmStatus::kNoTerminal;
  };
  if (PromptStatus s = read_password(msg::kPasswordPrompt, password); s != PromptStatus::kOk) {
    return convert(s);
  }
  Secret repeat;
  if (PromptStatus s = read_password(msg::kRepeatPrompt, repeat); s != PromptStatus::kOk) {
    password.clear();
    return convert(s);
  }
  if (password.view() != repeat.view()) {
    password.clear();
    return ConfirmStatus::kMismatch;
  }
  return ConfirmStatus::kOk;
}

}  // namespace tsna::client
