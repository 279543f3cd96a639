// postgres_server.cpp - initdb / pg_ctl / psql of a test PostgreSQL cluster (postgres_server.hpp).
#include "support/postgres_server.hpp"

#include <netinet/in.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "support/shell_command.hpp"

namespace tsna::testing {
namespace {

const std::string kBinDir = TSNA_PG_BINDIR;
const std::string kRole = "tsna";

// A port nobody listens on now (the kernel's choice for a socket bound to port 0).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) {
      ::close(fd);
    }
    throw std::system_error(errno, std::generic_category(), "free port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

void check(const CommandResult& r, const std::string& what) {
  if (r.status != 0) {
    throw std::runtime_error(what + " failed (" + std::to_string(r.status) + "): " + r.output);
  }
}

}  // namespace

PostgresServer::PostgresServer() {
  std::string pattern = (std::filesystem::temp_directory_path() / "tsna-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp");
  }
  dir_ = pattern;
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr || ::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      throw std::runtime_error("the tests run as root and need the postgres user to own " +
                               dir_.string());
    }
  }
  check(run_shell(as_owner(kBinDir + "/initdb -D " + shell_quote((dir_ / "data").string()) +
                           " -U " + kRole + " -A trust -E UTF8 --locale=C -N 2>&1")),
        "initdb");
  port_ = free_port();
  start();
}

PostgresServer::~PostgresServer() {
  if (running_) {
    run_shell(as_owner(kBinDir + "/pg_ctl -D " + shell_quote((dir_ / "data").string()) +
                       " -m immediate -w stop 2>&1"));
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string PostgresServer::as_owner(const std::string& command) const {
  const std::string line = "cd " + shell_quote(dir_.string()) + " && " + command;
  return ::geteuid() == 0 ? "runuser -u postgres -- sh -c " + shell_quote(line) : line;
}

void PostgresServer::start() {
  const std::string options = "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) +
                              " -c unix_socket_directories=" + dir_.string() +
                              " -c max_connections=200";
  check(run_shell(as_owner(kBinDir + "/pg_ctl -D " + shell_quote((dir_ / "data").string()) +
                           " -l " + shell_quote((dir_ / "server.log").string()) + " -o " +
                           shell_quote(options) + " -w -t 60 start 2>&1")),
        "pg_ctl start");
  running_ = true;
}

void PostgresServer::stop() {
  check(run_shell(as_owner(kBinDir + "/pg_ctl -D " + shell_quote((dir_ / "data").string()) +
                           " -m fast -w -t 60 stop 2>&1")),
        "pg_ctl stop");
  running_ = false;
}

std::string PostgresServer::uri(const std::string& database) const {
  return "postgresql://" + kRole + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresServer::create_database() {
  const std::string name = "tsna_test_" + std::to_string(++databases_);
  psql("CREATE DATABASE " + name);
  return uri(name);
}

std::string PostgresServer::psql(const std::string& sql, const std::string& database) const {
  const CommandResult r = run_shell(
      kBinDir + "/psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " + std::to_string(port_) +
      " -U " + kRole + " -d " + shell_quote(database) + " -c " + shell_quote(sql) + " 2>&1");
  check(r, "psql " + sql);
  return r.output;
}

}  // namespace tsna::testing
