// default_config_test.cpp - the configuration the package installs (packaging/tsna-server.conf):
// tsna-server accepts it as it is and it binds 127.0.0.1 with the service's state directory,
// and it names every option that a file may set, so an option added later fails here until
// it is described there.
#include <gtest/gtest.h>

#include "package_files.hpp"
#include "support/help_options.hpp"
#include "support/shell_command.hpp"

namespace tsna::testing {
namespace {

TEST(DefaultConfig, ServerAcceptsItAndItBindsLoopbackWithTheStateDirectory) {
  const CommandResult r = run_shell(
      shell_quote(TSNA_SERVER_BIN) + " --config " +
      shell_quote(source_path("packaging/tsna-server.conf").string()) + " --print-config 2>&1");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.output, "bind=\"127.0.0.1\"\nport=6016\ndata-dir=\"/var/lib/tsna\"\n");
}

TEST(DefaultConfig, DescribesEveryOptionAFileMaySet) {
  const std::string config = read_text(source_path("packaging/tsna-server.conf"));
  const HelpOptions help = parse_help(run_shell(shell_quote(TSNA_SERVER_BIN) + " --help").output);
  for (const std::string& option : help.options) {
    if (option == "-h" || option == "--help" || option == "--version" || option == "--config" ||
        option == "--print-config") {
      continue;  // not settable in a file
    }
    const std::string key = option.substr(2);
    const bool set = config.find("\n" + key + " = ") != std::string::npos;
    const bool commented = config.find("\n# " + key + " = ") != std::string::npos;
    EXPECT_TRUE(set || commented) << "packaging/tsna-server.conf does not describe " << key;
  }
}

TEST(DefaultConfig, UnitStartsTheServerWithIt) {
  const std::string unit = read_text(source_path("packaging/tsna-server.service"));
  EXPECT_NE(unit.find("\nExecStart=/usr/bin/tsna-server --config /etc/tsna/tsna-server.conf\n"),
            std::string::npos);
  EXPECT_NE(unit.find("\nStateDirectory=tsna\n"), std::string::npos);  // /var/lib/tsna
}

}  // namespace
}  // namespace tsna::testing
