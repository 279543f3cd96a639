// haproxy_process.hpp - a real HAProxy (Debian's haproxy) in front of tsna-server nodes for the
// tests: a generated TCP-mode configuration on 127.0.0.1 with free ports, run in the foreground
// and stopped by the test. Depends on nothing of TSNA.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tsna::testing {

std::filesystem::path haproxy_binary();  // /usr/sbin/haproxy

// A TCP-mode configuration: a frontend on 127.0.0.1:`frontend_port`, one backend with a server
// line "server nodeN 127.0.0.1:PORT check <server_options>" per port (round-robin).
// `server_options` is e.g. "send-proxy-v2" or "send-proxy".
std::string haproxy_config(std::uint16_t frontend_port, const std::vector<std::uint16_t>& nodes,
                           const std::string& server_options);

class HaproxyProcess {
 public:
  // Writes `config` to DIR/haproxy.cfg, starts `haproxy -db -f` on it and waits (at most 10 s)
  // until 127.0.0.1:`port` accepts connections. Throws std::runtime_error when it does not.
  HaproxyProcess(const std::filesystem::path& dir, const std::string& config, std::uint16_t port);
  ~HaproxyProcess();  // SIGTERM, then SIGKILL after 5 s
  HaproxyProcess(const HaproxyProcess&) = delete;
  HaproxyProcess& operator=(const HaproxyProcess&) = delete;

  std::uint16_t port() const { return port_; }
  std::string output() const;  // what it wrote to stdout and stderr

 private:
  pid_t pid_ = -1;
  std::uint16_t port_;
  std::filesystem::path log_;
};

}  // namespace tsna::testing
