// store_option_test.cpp - tsna-server's --store (SPEC 4.1): a password in the URI is refused on
// the command line, with the alternatives named, and taken from the --config file; a URI that is
// not PostgreSQL's is refused; a node whose database is running serves on it.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "pg_fixture.hpp"
#include "support/server_process.hpp"
#include "support/shell_command.hpp"
#include "support/temp_dir.hpp"
#include "support/test_client.hpp"

namespace tsna::testing {
namespace {

CommandResult run_server(const std::string& args) {
  return run_shell(server_binary().string() + " " + args + " 2>&1");
}

std::string dead_uri(const std::string& userinfo) {
  return "postgresql://" + userinfo + "@127.0.0.1:" + std::to_string(unused_port()) + "/tsna";
}

TEST(StoreOption, APasswordOnTheCommandLineIsRefusedNamingTheAlternatives) {
  TempDir dir;
  const CommandResult r = run_server("--port 0 --data-dir " + shell_quote(dir.path().string()) +
                                     " --store " + shell_quote(dead_uri("tsna:s3cret")));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.output,
            "tsna-server: --store: a password on the command line is visible to every local user "
            "(ps); put the URI in the --config file, or the password in PGPASSFILE (~/.pgpass) "
            "or PGPASSWORD\n");
}

TEST(StoreOption, APasswordFromTheConfigFileIsTakenAndTheDatabaseTried) {
  TempDir dir;
  const std::filesystem::path config = dir.path() / "tsna-server.conf";
  std::ofstream(config) << "store = \"" << dead_uri("tsna:s3cret") << "\"\n";
  const CommandResult r =
      run_server("--port 0 --data-dir " + shell_quote((dir.path() / "data").string()) +
                 " --config " + shell_quote(config.string()));
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.output.starts_with("tsna-server: cannot connect to PostgreSQL: ")) << r.output;
  EXPECT_EQ(r.output.find("s3cret"), std::string::npos) << r.output;
}

TEST(StoreOption, AUriThatIsNotPostgresqlIsRefused) {
  TempDir dir;
  const CommandResult r = run_server("--port 0 --data-dir " + shell_quote(dir.path().string()) +
                                     " --store sqlite:users.db");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.output,
            "tsna-server: --store: not a PostgreSQL URI (postgresql://... or postgres://...): "
            "sqlite:users.db\n");
}

TEST(StoreOption, ANodeOnARunningDatabaseServesAndKeepsNoUsersDb) {
  TempDir dir;
  const std::string uri = pg().create_database();
  {
    ServerProcess node(dir.path(), {"--store", uri});
    TestClient c(node.port());
    c.upgrade();
    EXPECT_EQ(c.tsna2_register("frank", "910f4aff69c6c642b3756489bb81a945"),
              "200:Your Registered Username is frank\n");
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "users.db"));
}

}  // namespace
}  // namespace tsna::testing
