// gsasl_relay.hpp - a SCRAM server we did not write behind a TSNA/2 front: GNU SASL's command
// line (`gsasl --server`, Debian package gsasl) run as a child on pipes, and the relay script
// that turns its base64 lines into TSNA/2 replies for one FakeServer connection. Test support.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "fake_server.hpp"

namespace tsna::testing {

// `gsasl --server --mechanism=SCRAM-SHA-256 --no-cb --quiet --password=P
// --iteration-count=4096`: it prints the mechanism, an empty line (it has nothing to say
// first), then one base64 line per message; after its server-final it reads one more line (an
// empty one) and exits 0; on a failed proof it says why on stderr and exits 1. Every wait is
// bounded; the destructor kills it if it still runs.
class GsaslServer {
 public:
  explicit GsaslServer(std::string_view scram_password);
  ~GsaslServer();
  GsaslServer(const GsaslServer&) = delete;
  GsaslServer& operator=(const GsaslServer&) = delete;

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

// What the relay sends after the client's client-final.
enum class RelayAnswer {
  kGsaslsVerdict,       // gsasl's server-final as `200-<it>` `200:login is successful`, or
                        // `400:Authentication Failed!` when gsasl refused the proof
  kForeignServerFinal,  // `200-<a server-final of another login, for another password>` and
                        // `200:login is successful`, whatever gsasl said: an impostor
};

// What one relay saw, for the test to check once the FakeServer has ended.
struct RelayLog {
  std::string auth_request;  // the client's first line after the upgrade
  bool gsasl_accepted = false;
  int gsasl_status = -1;
};

// The relay's whole connection: greeting and upgrade, then the login through a GsaslServer
// holding `scram_password` (SPEC 1.2's wire form on one side, gsasl's lines on the other), then
// `200:disconnected` for `exit`.
void relay_to_gsasl(FakePeer& peer, std::string_view scram_password, RelayAnswer answer,
                    RelayLog& log);

}  // namespace tsna::testing
