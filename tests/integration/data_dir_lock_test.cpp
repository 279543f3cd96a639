// data_dir_lock_test.cpp - one server per data directory (SPEC 4.2): a second tsna-server, or
// an import/export, on a directory in use exits 1 naming it and the holder; a crashed or stopped
// server leaves the directory free.
#include <gtest/gtest.h>

#include <string>

#include "fixture.hpp"

namespace tsna::testing {
namespace {

class DataDirLock : public ServerTest {
 protected:
  std::string in_use_message() {
    return "tsna-server: " + data_dir().string() + ": in use by another tsna-server (pid " +
           std::to_string(server().pid()) + ")\n";
  }
};

TEST_F(DataDirLock, SecondServerOnTheSameDirectoryExitsOneNamingTheFirst) {
  start();
  const CommandResult second =
      run_server_command("--bind 127.0.0.1 --port 0 --data-dir " + data_dir().string());
  EXPECT_EQ(second.status, 1);
  EXPECT_EQ(second.output, in_use_message());
  // The first goes on serving.
  auto c = tsna2();
  EXPECT_EQ(c->tsna2_register("bob", kHash123), "200:Your Registered Username is bob\n");
}

TEST_F(DataDirLock, ImportAndExportAreRefusedWhileAServerRunsOnTheDirectory) {
  start();
  const auto file = dir_.path() / "users.txt";
  const CommandResult import =
      run_server_command("import-users " + file.string() + " --data-dir " + data_dir().string());
  EXPECT_EQ(import.status, 1);
  // The file is missing too: the lock is checked first, so this says what matters.
  EXPECT_EQ(import.output, in_use_message());
  const CommandResult exported =
      run_server_command("export-users " + file.string() + " --data-dir " + data_dir().string());
  EXPECT_EQ(exported.status, 1);
  EXPECT_EQ(exported.output, in_use_message());
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST_F(DataDirLock, DirectoryOfAKilledServerIsTakenOverByTheNext) {
  start();
  server().kill9();
  start();
  auto c = tsna2();
  c->send("help\n");
  EXPECT_EQ(c->read_line(), "200-Available commends: \n");
}

TEST_F(DataDirLock, DirectoryIsFreeAfterAGracefulStop) {
  start();
  EXPECT_EQ(server().stop(), 0);
  const CommandResult exported = run_server_command(
      "export-users " + (dir_.path() / "out.txt").string() + " --data-dir " + data_dir().string());
  EXPECT_EQ(exported.status, 0) << exported.output;
  EXPECT_EQ(exported.output, "exported 0 users to " + (dir_.path() / "out.txt").string() + "\n");
}

}  // namespace
}  // namespace tsna::testing
