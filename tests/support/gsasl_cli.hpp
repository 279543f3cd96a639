// gsasl_cli.hpp - GNU SASL's own command line (`gsasl`, Debian package gsasl) run as a child on
// pipes: a SCRAM peer we did not write, for interoperability tests in both directions. Every
// wait is bounded; the destructor kills it if it still runs. Test support only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tsna::testing {

// As a server (scram_server_args): it prints the mechanism, an empty line (it has nothing to
// say first), then one base64 line per message; after its server-final it reads one more line
// (an empty one) and exits 0; on a failed proof it exits 1. As a client (scram_client_args) it
// prints the mechanism and its client-first, then answers each base64 line it reads; it exits 0
// only when the server-final it was given proves the server.
class GsaslCli {
 public:
  explicit GsaslCli(std::vector<std::string> args);
  ~GsaslCli();
  GsaslCli(const GsaslCli&) = delete;
  GsaslCli& operator=(const GsaslCli&) = delete;

  // `--server --mechanism=SCRAM-SHA-256 --no-cb --quiet --iteration-count=4096 --password=P`.
  static std::vector<std::string> scram_server_args(std::string_view scram_password);
  // `--client --mechanism=SCRAM-SHA-256 --no-cb --quiet --authentication-id=U --password=P`.
  static std::vector<std::string> scram_client_args(std::string_view user,
                                                    std::string_view scram_password);

  // One line of its stdout without the '\n'; nullopt at its end or after `limit`.
  std::optional<std::string> read_line(std::chrono::milliseconds limit = std::chrono::seconds(5));
  void write_line(std::string_view line);
  // Closes its stdin and waits for its exit status (-1 if it had to be killed).
  int finish(std::chrono::milliseconds limit = std::chrono::seconds(5));

 private:
  pid_t pid_ = -1;
  int in_ = -1;   // its stdin
  int out_ = -1;  // its stdout
  std::string buffered_;
  int status_ = -1;
};

}  // namespace tsna::testing
