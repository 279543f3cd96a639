// child_process.cpp - fork/exec with pipes or a pty (openpty + login_tty, both in glibc's libc),
// poll()-bounded reads, SIGKILL on overrun.
#include "child_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utmp.h>

#include <cerrno>
#include <stdexcept>
#include <thread>

#include "support/server_process.hpp"

namespace tsna::testing {
namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// argv/envp storage for execve.
struct ExecArgs {
  std::vector<std::string> strings_argv;
  std::vector<std::string> strings_envp;
  std::vector<char*> argv;
  std::vector<char*> envp;

  ExecArgs(const std::vector<std::string>& args, const Environment& env) {
    strings_argv.push_back(client_binary().string());
    strings_argv.insert(strings_argv.end(), args.begin(), args.end());
    for (const auto& [key, value] : env) {
      strings_envp.push_back(key + "=" + value);
    }
    for (std::string& s : strings_argv) {
      argv.push_back(s.data());
    }
    argv.push_back(nullptr);
    for (std::string& s : strings_envp) {
      envp.push_back(s.data());
    }
    envp.push_back(nullptr);
  }
};

int decode_status(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

Environment client_environment(const Environment& extra) {
  Environment env = {
      {"PATH", "/usr/bin:/bin"}, {"HOME", "/nonexistent"}, {"TERM", "dumb"}, {"LANG", "C.UTF-8"}};
  for (const auto& [key, value] : extra) {
    env[key] = value;
  }
  return env;
}

PipeResult run_client_with_pipes(const std::vector<std::string>& args, std::string_view input,
                                 const Environment& env, std::chrono::milliseconds limit) {
  ExecArgs exec(args, env);
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    execve(exec.argv[0], exec.argv.data(), exec.envp.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  // The client may exit without reading its stdin: writing must not kill the test.
  signal(SIGPIPE, SIG_IGN);
  PipeResult result;
  const auto deadline = start + limit;
  int write_fd = in[1];
  if (input.empty()) {
    close(write_fd);
    write_fd = -1;
  }
  bool out_open = true;
  bool err_open = true;
  while ((out_open || err_open) && ms_left(deadline) > 0) {
    pollfd fds[3] = {{out_open ? out[0] : -1, POLLIN, 0},
                     {err_open ? err[0] : -1, POLLIN, 0},
                     {write_fd, POLLOUT, 0}};
    if (poll(fds, 3, ms_left(deadline)) <= 0) {
      continue;
    }
    char buf[4096];
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents != 0) {
        const ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n > 0) {
          (i == 0 ? result.out : result.err).append(buf, static_cast<std::size_t>(n));
        } else {
          (i == 0 ? out_open : err_open) = false;
        }
      }
    }
    if (write_fd >= 0 && fds[2].revents != 0) {
      const ssize_t n = write(write_fd, input.data(), input.size());
      if (n > 0) {
        input.remove_prefix(static_cast<std::size_t>(n));
      }
      if (n <= 0 || input.empty()) {
        close(write_fd);
        write_fd = -1;
      }
    }
  }
  if (write_fd >= 0) {
    close(write_fd);
  }
  close(out[0]);
  close(err[0]);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (ms_left(deadline) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      result.status = -1;
      result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      return result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  result.status = decode_status(status);
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return result;
}

PtyProcess::PtyProcess(const std::vector<std::string>& args, const Environment& env) {
  ExecArgs exec(args, env);
  winsize size{};
  size.ws_row = 40;
  size.ws_col = 100;
  if (openpty(&master_, &slave_, nullptr, nullptr, &size) != 0) {
    throw std::runtime_error("openpty failed");
  }
  fcntl(master_, F_SETFD, FD_CLOEXEC);
  pid_ = fork();
  if (pid_ < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid_ == 0) {
    close(master_);
    if (login_tty(slave_) != 0) {
      _exit(126);
    }
    execve(exec.argv[0], exec.argv.data(), exec.envp.data());
    _exit(127);
  }
}

PtyProcess::~PtyProcess() {
  if (status_ < 0 && pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  close(master_);
  close(slave_);
}

void PtyProcess::type(std::string_view keys) {
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while ((modes().c_lflag & ECHO) != 0 && ms_left(deadline) > 0) {
    pump(std::chrono::milliseconds(2));
  }
  type_now(keys);
}

void PtyProcess::type_now(std::string_view keys) {
  while (!keys.empty()) {
    const ssize_t n = write(master_, keys.data(), keys.size());
    if (n <= 0) {
      if (n < 0 && errno == EINTR) {
        continue;
      }
      return;
    }
    keys.remove_prefix(static_cast<std::size_t>(n));
  }
}

bool PtyProcess::pump(std::chrono::milliseconds wait) {
  pollfd p{master_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(wait.count())) <= 0) {
    return false;
  }
  char buf[4096];
  const ssize_t n = read(master_, buf, sizeof buf);
  if (n <= 0) {
    return false;
  }
  output_.append(buf, static_cast<std::size_t>(n));
  return true;
}

bool PtyProcess::expect(std::string_view text, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    const std::string shown = screen();
    const std::size_t at = shown.find(text, matched_);
    if (at != std::string::npos) {
      matched_ = at + text.size();
      return true;
    }
    if (ms_left(deadline) == 0) {
      return false;
    }
    pump(std::chrono::milliseconds(std::min(ms_left(deadline), 50)));
  }
}

int PtyProcess::wait_exit(std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (status_ < 0) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      status_ = decode_status(status);
      break;
    }
    if (ms_left(deadline) == 0) {
      return -1;
    }
    pump(std::chrono::milliseconds(10));
  }
  while (pump(std::chrono::milliseconds(20))) {
  }
  return status_;
}

std::string PtyProcess::screen() const {
  std::string out;
  out.reserve(output_.size());
  for (char c : output_) {
    if (c != '\r') {
      out.push_back(c);
    }
  }
  return out;
}

termios PtyProcess::modes() const {
  termios t{};
  tcgetattr(slave_, &t);
  return t;
}

}  // namespace tsna::testing
