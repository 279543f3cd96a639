// haproxy_process.cpp - fork/exec of haproxy with its output in a file, readiness by connecting.
#include "support/haproxy_process.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/child_process.hpp"

namespace tsna::testing {
namespace {

bool accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::filesystem::path haproxy_binary() {
  return "/usr/sbin/haproxy";
}

std::string haproxy_config(std::uint16_t frontend_port, const std::vector<std::uint16_t>& nodes,
                           const std::string& server_options) {
  std::string cfg =
      "global\n"
      "    maxconn 200\n"
      "defaults\n"
      "    mode tcp\n"
      "    timeout connect 2s\n"
      "    timeout client 30s\n"
      "    timeout server 30s\n"
      "frontend tsna\n"
      "    bind 127.0.0.1:" +
      std::to_string(frontend_port) +
      "\n"
      "    default_backend nodes\n"
      "backend nodes\n"
      "    balance roundrobin\n"
      "    option tcp-check\n"
      "    tcp-check expect string success\n";
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    cfg += "    server node" + std::to_string(i + 1) + " 127.0.0.1:" + std::to_string(nodes[i]) +
           " check inter 1s " + server_options + "\n";
  }
  return cfg;
}

HaproxyProcess::HaproxyProcess(const std::filesystem::path& dir, const std::string& config,
                               std::uint16_t port)
    : port_(port), log_(dir / "haproxy.log") {
  const std::filesystem::path cfg = dir / "haproxy.cfg";
  std::ofstream(cfg) << config;
  pid_ = spawn_child({haproxy_binary().string(), "-db", "-f", cfg.string()}, -1, log_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!accepts(port_)) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("haproxy exited: " + output());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("haproxy does not listen on " + std::to_string(port_) + ": " +
                               output());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

HaproxyProcess::~HaproxyProcess() {
  if (pid_ <= 0) {
    return;
  }
  end_child(pid_, std::chrono::seconds(5));
}

std::string HaproxyProcess::output() const {
  std::ifstream in(log_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace tsna::testing
