// server_process.hpp - starts the real tsna-server binary on 127.0.0.1 with --port 0, reads
// the port from its "listening on" line, and stops (or SIGKILLs) it. For integration tests.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tsna::testing {

// The binaries under test, as CMake built them.
std::filesystem::path server_binary();
std::filesystem::path client_binary();

// How to start tsna-server when the usual flags must not be given (the tests of --config).
struct ServerLaunch {
  std::vector<std::string> args;      // after the program name, exactly these
  std::filesystem::path stderr_file;  // where its stderr goes (appended)
  // Wait (at most 10 s) for the "listening on" line(s) and read the port from them; with false
  // return at once, port() is 0 and the caller learns of readiness otherwise.
  bool wait_for_listening = true;
};

class ServerProcess {
 public:
  // Starts `tsna-server --bind 127.0.0.1 --port 0 --data-dir DIR <extra_args>` and waits (at
  // most 10 s) for its "listening on" line. Throws std::runtime_error if it does not come.
  ServerProcess(const std::filesystem::path& data_dir, std::vector<std::string> extra_args = {});
  // Starts `tsna-server <launch.args>`; throws like the above when it waits and no line comes.
  explicit ServerProcess(const ServerLaunch& launch);
  ~ServerProcess();  // SIGTERM, then SIGKILL after 10 s
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  // The address of the first "listening on" line (what --bind gave).
  const std::string& bind_address() const { return bind_address_; }
  // The port announced with "(tls)": the main port under --tls-cert alone, or --tls-port's.
  std::uint16_t tls_port() const { return tls_port_; }
  // The port of the "metrics on" line that --metrics adds after them (0 without --metrics).
  std::uint16_t metrics_port() const { return metrics_port_; }
  pid_t pid() const { return pid_; }

  // Sends SIGTERM and waits; returns the exit status (or 128+signal).
  int stop();
  // SIGKILL, no cleanup: for crash-safety tests.
  void kill9();
  // Everything the server wrote to stderr so far.
  std::string stderr_text() const;

 private:
  void launch(const std::vector<std::string>& args, bool wait_for_listening);

  pid_t pid_ = -1;
  std::string bind_address_;
  std::uint16_t port_ = 0;
  std::uint16_t tls_port_ = 0;
  std::uint16_t metrics_port_ = 0;
  std::filesystem::path stderr_path_;
};

}  // namespace tsna::testing
