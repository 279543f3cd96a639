// postgres_server.hpp - a real PostgreSQL server for the tests of the shared store: a new cluster
// (initdb, run as the `postgres` user when the tests run as root, which initdb refuses) in a
// temporary directory, listening on 127.0.0.1 on a free port with its sockets in that directory;
// it can be stopped and started again (fault tests) and is removed at the end. Fresh databases
// keep tests apart. Depends on nothing of TSNA but support/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace tsna::testing {

class PostgresServer {
 public:
  // initdb and start; throws std::runtime_error with the tools' output when either fails.
  PostgresServer();
  ~PostgresServer();  // stops the server (immediately) and removes the directory
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // pg_ctl stop -m fast (connections are closed), and start again on the same port.
  void stop();
  void start();

  std::uint16_t port() const { return port_; }
  // postgresql://tsna@127.0.0.1:PORT/DATABASE (no password: the cluster trusts loopback).
  std::string uri(const std::string& database = "postgres") const;
  // A new, empty database; returns its URI.
  std::string create_database();
  // Runs SQL with psql in `database`; returns psql's output (unaligned, tuples only). Throws
  // when psql fails.
  std::string psql(const std::string& sql, const std::string& database = "postgres") const;

 private:
  std::string as_owner(const std::string& command) const;

  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  bool running_ = false;
  int databases_ = 0;
};

}  // namespace tsna::testing
