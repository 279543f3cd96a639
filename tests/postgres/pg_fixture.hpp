// pg_fixture.hpp - the PostgreSQL server of one postgres_tests process: started on first use
// (ctest runs each test in its own process, so each test gets its own cluster) and stopped at
// exit; tests take fresh databases from it.
#pragma once

#include <memory>

#include "support/postgres_server.hpp"

namespace tsna::testing {

inline PostgresServer& pg() {
  static const std::unique_ptr<PostgresServer> server = std::make_unique<PostgresServer>();
  return *server;
}

}  // namespace tsna::testing
