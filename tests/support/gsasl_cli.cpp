// gsasl_cli.cpp - posix_spawn of GNU SASL's command line with pipes and poll()-bounded line
// reads (gsasl_cli.hpp).
#include "support/gsasl_cli.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

extern char** environ;

namespace tsna::testing {
namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

GsaslCli::GsaslCli(std::vector<std::string> args) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    throw std::runtime_error("gsasl: pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  args.insert(args.begin(), TSNA_GSASL_BIN);
  std::vector<char*> argv;
  for (std::string& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  const int rc = posix_spawn(&pid_, TSNA_GSASL_BIN, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  in_ = in[1];
  out_ = out[0];
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("gsasl: cannot start " + std::string(TSNA_GSASL_BIN));
  }
}

GsaslCli::~GsaslCli() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (in_ >= 0) {
    close(in_);
  }
  close(out_);
}

std::optional<std::string> GsaslCli::read_line(std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    if (const std::size_t nl = buffered_.find('\n'); nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    pollfd p{out_, POLLIN, 0};
    char buf[4096];
    if (poll(&p, 1, ms_left(deadline)) <= 0) {
      return std::nullopt;
    }
    const ssize_t n = read(out_, buf, sizeof buf);
    if (n <= 0) {
      return std::nullopt;
    }
    buffered_.append(buf, static_cast<std::size_t>(n));
  }
}

void GsaslCli::write_line(std::string_view line) {
  std::string bytes(line);
  bytes.push_back('\n');
  std::string_view rest = bytes;
  while (!rest.empty()) {
    const ssize_t n = write(in_, rest.data(), rest.size());
    if (n <= 0) {
      return;  // it has exited; its stdout says the rest
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

int GsaslCli::finish(std::chrono::milliseconds limit) {
  if (in_ >= 0) {
    close(in_);
    in_ = -1;
  }
  const auto deadline = Clock::now() + limit;
  while (pid_ > 0) {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (Clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
      status_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

std::vector<std::string> GsaslCli::scram_server_args(std::string_view scram_password) {
  return {"--server", "--mechanism=SCRAM-SHA-256", "--no-cb",
          "--quiet",  "--iteration-count=4096",    "--password=" + std::string(scram_password)};
}

std::vector<std::string> GsaslCli::scram_client_args(std::string_view user,
                                                     std::string_view scram_password) {
  return {"--client",
          "--mechanism=SCRAM-SHA-256",
          "--no-cb",
          "--quiet",
          "--authentication-id=" + std::string(user),
          "--password=" + std::string(scram_password)};
}

}  // namespace tsna::testing
