// config_file_test.cpp - tsna-server --config FILE (SPEC 4.6): every option set in the file
// equals its flag, a flag beats the file, TOML and INI both read, an unknown key, a section or
// a bad value stops the server with the file and the key named, and a server started from a
// file alone listens, stores and limits as the file says.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "fixture.hpp"
#include "support/help_options.hpp"
#include "support/tls_test_client.hpp"

namespace tsna::testing {
namespace {

// True when a TCP connection to ip:port is accepted.
bool accepts_on(const char* ip, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, ip, &addr.sin_addr);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

class ConfigFile : public ::testing::Test {
 protected:
  std::string write_config(const std::string& name, const std::string& text) {
    const std::filesystem::path path = dir_.path() / name;
    std::ofstream(path) << text;
    return path.string();
  }
  // `tsna-server ARGS --print-config`, stdout and stderr together.
  static CommandResult print_config(const std::string& args) {
    return run_server_command(args + " --print-config");
  }

  TempDir dir_;
};

// One option (or a group that needs each other) in both forms, and what --print-config shows.
struct Setting {
  std::vector<std::string> options;  // the options this row covers
  std::string flags;
  std::string file;
  std::string printed;
};

TEST_F(ConfigFile, EveryOptionSetInTheFileEqualsItsFlag) {
  const std::string pem = write_config("any.pem", "not read by --print-config\n");
  const std::vector<Setting> settings = {
      {{"--bind"}, "--bind 127.0.0.2", "bind = \"127.0.0.2\"\n", "bind=\"127.0.0.2\"\n"},
      {{"--port"}, "--port 7001", "port = 7001\n", "port=7001\n"},
      {{"--data-dir"},
       "--data-dir /srv/tsna",
       "data-dir = \"/srv/tsna\"\n",
       "data-dir=\"/srv/tsna\"\n"},
      {{"--store"},
       "--store postgresql://tsna@db.example/tsna",
       "store = \"postgresql://tsna@db.example/tsna\"\n",
       "store=\"postgresql://tsna@db.example/tsna\"\n"},
      {{"--threads"}, "--threads 3", "threads = 3\n", "threads=3\n"},
      {{"--max-connections"},
       "--max-connections 5",
       "max-connections = 5\n",
       "max-connections=5\n"},
      {{"--idle-timeout"}, "--idle-timeout 7", "idle-timeout = 7\n", "idle-timeout=7\n"},
      {{"--allow-classic"}, "--allow-classic", "allow-classic = true\n", "allow-classic=true\n"},
      {{"--scram-iterations"},
       "--scram-iterations 5000",
       "scram-iterations = 5000\n",
       "scram-iterations=5000\n"},
      {{"--tls-cert", "--tls-key", "--tls-port"},
       "--tls-cert " + pem + " --tls-key " + pem + " --tls-port 6017",
       "tls-cert = \"" + pem + "\"\ntls-key = \"" + pem + "\"\ntls-port = 6017\n",
       "tls-cert=\"" + pem + "\"\ntls-key=\"" + pem + "\"\ntls-port=6017\n"},
      {{"--metrics"},
       "--metrics 127.0.0.1:9116",
       "metrics = \"127.0.0.1:9116\"\n",
       "metrics=\"127.0.0.1:9116\"\n"},
      {{"--proxy-protocol-from"},
       "--proxy-protocol-from 10.0.0.10/32,fd00::/8",
       "proxy-protocol-from = [\"10.0.0.10/32\", \"fd00::/8\"]\n",
       "proxy-protocol-from=[\"10.0.0.10/32\", \"fd00::/8\"]\n"},
  };
  std::set<std::string> covered = {"-h", "--help", "--version", "--config", "--print-config"};
  for (const Setting& s : settings) {
    const CommandResult by_flag = print_config(s.flags);
    EXPECT_EQ(by_flag.status, 0) << s.flags;
    EXPECT_EQ(by_flag.output, s.printed) << s.flags;
    const CommandResult by_file = print_config("--config " + write_config("one.toml", s.file));
    EXPECT_EQ(by_file.status, 0) << s.file;
    EXPECT_EQ(by_file.output, s.printed) << s.file;
    covered.insert(s.options.begin(), s.options.end());
  }
  // A new option fails here until a row says how it is set in a file.
  const CommandResult help = run_server_command("--help");
  EXPECT_EQ(parse_help(help.output).options, covered);
}

TEST_F(ConfigFile, FlagOnTheCommandLineBeatsTheFile) {
  const std::string file =
      write_config("server.toml", "port = 7001\nmax-connections = 5\nallow-classic = true\n");
  const CommandResult r = print_config("--config " + file + " --port 7002 --max-connections 6");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.output, "port=7002\nmax-connections=6\nallow-classic=true\n");
}

TEST_F(ConfigFile, TomlAndIniSyntaxAreBothRead) {
  const std::string toml = write_config(
      "server.toml",
      "# TOML\nbind = \"127.0.0.3\"  # inline comment\nmax-connections = 9\nallow-classic = "
      "true\n");
  const std::string ini = write_config(
      "server.ini", "; INI\n[default]\nbind=127.0.0.3\nmax-connections=9\nallow-classic\n");
  const std::string expected = "bind=\"127.0.0.3\"\nmax-connections=9\nallow-classic=true\n";
  EXPECT_EQ(print_config("--config " + toml).output, expected);
  EXPECT_EQ(print_config("--config " + ini).output, expected);
}

TEST_F(ConfigFile, UnknownKeyStopsTheServerNamingTheFileAndTheKey) {
  const std::string file = write_config("server.toml", "port = 7001\nprot = 7002\n");
  const CommandResult r = run_server_command("--config " + file);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.output, "tsna-server: " + file + ": unknown option \"prot\"\n");
}

TEST_F(ConfigFile, BadValueStopsTheServerNamingTheFileAndTheKey) {
  const std::string words = write_config("words.toml", "port = many\n");
  const CommandResult r = run_server_command("--config " + words);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.output, "tsna-server: " + words + ": Could not convert: --port = many\n");

  const std::string range = write_config("range.toml", "idle-timeout = 0\n");
  const CommandResult r2 = run_server_command("--config " + range);
  EXPECT_EQ(r2.status, 1);
  EXPECT_EQ(r2.output,
            "tsna-server: " + range + ": --idle-timeout: Value 0 not in range 1 to 86400\n");
}

TEST_F(ConfigFile, BadValueInTheFileIsNotReadWhenAFlagOverridesIt) {
  const std::string file = write_config("server.toml", "max-connections = many\n");
  const CommandResult r = print_config("--config " + file + " --max-connections 8");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.output, "max-connections=8\n");
}

TEST_F(ConfigFile, SectionsAndCommandLineOnlyOptionsAreRefused) {
  const std::string section = write_config("section.toml", "[import-users]\nFILE = \"u.txt\"\n");
  EXPECT_EQ(run_server_command("--config " + section).output,
            "tsna-server: " + section + ": unknown option \"import-users.FILE\"\n");
  const std::string nested = write_config("nested.toml", "config = \"other.toml\"\n");
  EXPECT_EQ(
      run_server_command("--config " + nested).output,
      "tsna-server: " + nested + ": option \"config\" cannot be set in a configuration file\n");
  const std::string print = write_config("print.toml", "print-config = true\n");
  EXPECT_EQ(run_server_command("--config " + print).output,
            "tsna-server: " + print +
                ": option \"print-config\" cannot be set in a configuration file\n");
}

TEST_F(ConfigFile, ErrorOfTheCommandLineIsReportedBeforeOneOfTheFile) {
  const std::string file = write_config("server.toml", "prot = 1\n");
  const CommandResult r = run_server_command("--config " + file + " --port many");
  EXPECT_EQ(r.status, 104);
  EXPECT_EQ(r.output, "Could not convert: --port = many\nRun with --help for more information.\n");
}

TEST_F(ConfigFile, MissingFileIsAnErrorOfTheCommandLine) {
  const std::string missing = (dir_.path() / "missing.toml").string();
  const CommandResult r = run_server_command("--config " + missing);
  EXPECT_EQ(r.status, 105);
  EXPECT_EQ(r.output, "--config: File does not exist: " + missing +
                          "\nRun with --help for more information.\n");
}

TEST_F(ConfigFile, ServerStartedFromAFileListensStoresAndLimitsAsItSays) {
  const std::uint16_t port = unused_port();
  const std::filesystem::path data = dir_.path() / "from-file";
  const std::string file = write_config(
      "server.toml", "bind = \"127.0.0.2\"\nport = " + std::to_string(port) + "\ndata-dir = \"" +
                         data.string() + "\"\nmax-connections = 1\nallow-classic = true\n");
  ServerProcess server(ServerLaunch{{"--config", file}, dir_.path() / "server.stderr"});
  EXPECT_EQ(server.bind_address(), "127.0.0.2");
  EXPECT_EQ(server.port(), port);
  EXPECT_FALSE(accepts_on("127.0.0.1", port));  // bound to 127.0.0.2 only
  EXPECT_TRUE(accepts_on("127.0.0.2", port));
  EXPECT_TRUE(std::filesystem::exists(data / "users.db"));
  EXPECT_TRUE(std::filesystem::exists(data / "tsna-server.pid"));
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(ConfigFile, LimitsAndDialectsFromTheFileApply) {
  const std::string file =
      write_config("server.toml", "max-connections = 1\nallow-classic = true\nidle-timeout = 1\n");
  ServerProcess server(dir_.path() / "data", {"--config", file});
  TestClient first(server.port());
  EXPECT_EQ(first.read_exact(7), "success");
  expect_classic(first, "register bob " + std::string(kHash123456),
                 "200:Your Registered Username is bob");
  {
    TestClient second(server.port());
    EXPECT_EQ(second.read_line(), "400:Too many connections\n");
  }
  EXPECT_TRUE(first.closed_by_peer(std::chrono::seconds(5)));  // idle-timeout = 1
}

TEST_F(ConfigFile, TlsFromTheFileIsSpoken) {
  const TestCertificates certs = make_test_certificates(dir_.path());
  const std::string file =
      write_config("server.toml", "tls-cert = \"" + certs.server_cert.string() +
                                      "\"\ntls-key = \"" + certs.server_key.string() + "\"\n");
  ServerProcess server(dir_.path() / "data", {"--config", file});
  EXPECT_EQ(server.tls_port(), server.port());
  TlsTestClient c(server.port(), certs.ca_cert, "localhost");
  ASSERT_TRUE(c.connected()) << c.handshake_error();
  EXPECT_EQ(c.read_exact(7), "success");
}

}  // namespace
}  // namespace tsna::testing
