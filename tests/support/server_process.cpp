// server_process.cpp - fork/exec of tsna-server with its stdout on a pipe (for the port line)
// and its stderr in a file.
#include "support/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "support/child_process.hpp"

namespace tsna::testing {

std::filesystem::path server_binary() {
  return TSNA_SERVER_BIN;
}
std::filesystem::path client_binary() {
  return TSNA_CLIENT_BIN;
}

ServerProcess::ServerProcess(const std::filesystem::path& data_dir,
                             std::vector<std::string> extra_args) {
  stderr_path_ = data_dir.parent_path() / (data_dir.filename().string() + ".stderr");
  std::vector<std::string> args = {"--bind", "127.0.0.1",  "--port",
                                   "0",      "--data-dir", data_dir.string()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  launch(args, true);
}

ServerProcess::ServerProcess(const ServerLaunch& launch_with) {
  stderr_path_ = launch_with.stderr_file;
  launch(launch_with.args, launch_with.wait_for_listening);
}

void ServerProcess::launch(const std::vector<std::string>& server_args, bool wait_for_listening) {
  std::vector<std::string> args = {server_binary().string()};
  args.insert(args.end(), server_args.begin(), server_args.end());
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  pid_ = spawn_child(std::move(args), out[1], stderr_path_);
  close(out[1]);
  if (!wait_for_listening) {
    close(out[0]);  // the server's stdout lines then go nowhere (SIGPIPE is ignored there)
    return;
  }
  // The first line gives the port; a "(tls)" line follows at once when --tls-port is given,
  // then a "metrics on" line with --metrics.
  const auto given = [&server_args](std::string_view flag) {
    return std::find(server_args.begin(), server_args.end(), flag) != server_args.end();
  };
  const bool want_tls_line = given("--tls-port");
  const bool want_metrics_line = given("--metrics");
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  const auto lines_wanted = 1 + (want_tls_line ? 1 : 0) + (want_metrics_line ? 1 : 0);
  while (std::count(text.begin(), text.end(), '\n') < lines_wanted) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{out[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      break;
    }
    char buf[256];
    const ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) {
      break;
    }
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(out[0]);
  const std::string prefix = "listening on ";
  const std::string metrics_prefix = "metrics on ";
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t colon = line.rfind(':');
    if (line.rfind(metrics_prefix, 0) == 0 && colon != std::string::npos) {
      metrics_port_ = static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
      continue;
    }
    if (line.rfind(prefix, 0) != 0 || colon == std::string::npos) {
      continue;
    }
    const auto port = static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
    const bool tls = line.ends_with(" (tls)");
    if (port_ == 0) {
      port_ = port;
      bind_address_ = line.substr(prefix.size(), colon - prefix.size());
    }
    if (tls) {
      tls_port_ = port;
    }
  }
  if (port_ == 0) {
    kill9();
    throw std::runtime_error("tsna-server did not start: '" + text + "' " + stderr_text());
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    stop();
  }
}

int ServerProcess::stop() {
  if (pid_ <= 0) {
    return -1;
  }
  const int status = end_child(pid_, std::chrono::seconds(10));
  pid_ = -1;
  return status;
}

void ServerProcess::kill9() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ServerProcess::stderr_text() const {
  std::ifstream in(stderr_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace tsna::testing
