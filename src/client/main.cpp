// main.cpp - tsna's command line (SPEC 5.2) with CLI11; everything else is client/program.hpp.
// Wrong arguments exit 2 (SPEC 5.5), --help and --version exit 0.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "client/options.hpp"
#include "client/program.hpp"
#include "common/version.hpp"

int main(int argc, char** argv) {
  tsna::client::ClientOptions options;
  CLI::App app{
      "tsna: the interactive and scriptable client of a TSNA server.\n"
      "Without an address it asks for one (the seed's flow); with HOST:PORT or HOST PORT it\n"
      "connects at once. Commands come from the terminal, from -c, or one per line on stdin."};
  app.set_version_flag("--version", std::string("tsna ") + tsna::kVersion);
  app.add_option("address", options.address, "HOST:PORT, or HOST PORT")->expected(0, 2);
  app.add_option("-c,--command", options.commands,
                 "Run this command (repeatable, in order); stdin is then not read")
      ->allow_extra_args(false);
  app.add_option("--user", options.user, "Log in as NAME before any command");
  app.add_option("--password-file", options.password_file,
                 "Read the password from the first line of FILE (else $TSNA_PASSWORD)");
  app.add_flag("--classic", options.classic,
               "Speak the seed's classic dialect (the login then sends the password hash)");
  app.add_flag("--tls", options.tls,
               "Use TLS: verify the server's certificate chain and host name (SPEC 5.6)");
  app.add_option("--ca", options.ca_file,
                 "Trust the CA certificates in FILE (PEM) for --tls instead of the system store")
      ->check(CLI::ExistingFile);
  app.add_option("--timeout", options.timeout_seconds,
                 "Seconds to wait for the server at each step")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 86400.0));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : tsna::client::kExitUsage;
  }
  try {
    return tsna::client::run_client(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tsna: %s\n", e.what());
    return tsna::client::kExitUsage;
  }
}
