// gsasl_relay.cpp - posix_spawn of the gsasl command line with pipes, poll()-bounded line reads,
// and the relay between SPEC 1.2's lines and gsasl's.
#include "gsasl_relay.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "auth/scram_client.hpp"
#include "auth/scram_server.hpp"

extern char** environ;

namespace tsna::testing {
namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

std::string without_line_end(std::string line) {
  if (!line.empty() && line.back() == '\n') {
    line.pop_back();
  }
  return line;
}

// A server-final that is right for some login, just not for the client's: an honest exchange
// of another client with a server holding another password's verifier.
std::string foreign_server_final() {
  const std::string password = "ffffffffffffffffffffffffffffffff";
  const auth::ScramVerifier v =
      auth::derive_verifier(password, std::vector<std::uint8_t>(16, 1), 4096);
  auth::ScramServer server(auth::ScramMechanism::kSha256, v);
  auth::ScramClient client(auth::ScramMechanism::kSha256, "bob", password);
  std::string server_first, client_final, server_final;
  if (server.step(client.first(), server_first) != auth::ScramStep::kContinue ||
      client.step(server_first, client_final) != auth::ScramClientStep::kContinue ||
      server.step(client_final, server_final) != auth::ScramStep::kDone) {
    throw std::runtime_error("relay: cannot make a foreign server-final");
  }
  return server_final;
}

}  // namespace

GsaslServer::GsaslServer(std::string_view scram_password) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    throw std::runtime_error("relay: pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args = {TSNA_GSASL_BIN,
                                   "--server",
                                   "--mechanism=SCRAM-SHA-256",
                                   "--no-cb",
                                   "--quiet",
                                   "--iteration-count=4096",
                                   "--password=" + std::string(scram_password)};
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
    throw std::runtime_error("relay: cannot start " + std::string(TSNA_GSASL_BIN));
  }
}

GsaslServer::~GsaslServer() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (in_ >= 0) {
    close(in_);
  }
  close(out_);
}

std::optional<std::string> GsaslServer::read_line(std::chrono::milliseconds limit) {
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

void GsaslServer::write_line(std::string_view line) {
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

int GsaslServer::finish(std::chrono::milliseconds limit) {
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

void relay_to_gsasl(FakePeer& peer, std::string_view scram_password, RelayAnswer answer,
                    RelayLog& log) {
  accept_tsna2(peer);
  log.auth_request = without_line_end(peer.read_until("\n"));
  constexpr std::string_view kPrefix = "auth SCRAM-SHA-256 ";
  if (!log.auth_request.starts_with(kPrefix)) {
    peer.send("400:Invalid command\n");
    return;
  }
  GsaslServer gsasl(scram_password);
  const std::optional<std::string> mechanism = gsasl.read_line();
  const std::optional<std::string> nothing_first = gsasl.read_line();
  if (mechanism != "SCRAM-SHA-256" || nothing_first != "") {
    peer.send("400:Service unavailable, try again later\n");
    return;
  }
  gsasl.write_line(std::string_view(log.auth_request).substr(kPrefix.size()));
  const std::optional<std::string> server_first = gsasl.read_line();
  if (!server_first) {
    peer.send("400:Authentication Failed!\n");
    log.gsasl_status = gsasl.finish();
    return;
  }
  peer.send("300:" + *server_first + "\n");
  gsasl.write_line(without_line_end(peer.read_until("\n")));
  const std::optional<std::string> server_final = gsasl.read_line();
  log.gsasl_accepted = server_final.has_value();
  if (server_final) {
    gsasl.write_line("");  // gsasl reads one more line after its last message
  }
  log.gsasl_status = gsasl.finish();
  if (answer == RelayAnswer::kForeignServerFinal) {
    peer.send("200-" + foreign_server_final() + "\n200:login is successful\n");
  } else if (server_final) {
    peer.send("200-" + *server_final + "\n200:login is successful\n");
  } else {
    peer.send("400:Authentication Failed!\n");
  }
  for (;;) {
    const std::string line = peer.read_until("\n");
    if (line.empty()) {
      return;
    }
    if (line == "exit\n") {
      peer.send("200:disconnected\n");
      return;
    }
    peer.send("400:Invalid command\n");
  }
}

}  // namespace tsna::testing
