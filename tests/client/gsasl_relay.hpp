// gsasl_relay.hpp - a SCRAM server we did not write behind a TSNA/2 front: the relay script that
// turns the base64 lines of GNU SASL's command line (`gsasl --server`, support/gsasl_cli.hpp)
// into TSNA/2 replies for one FakeServer connection. Test support.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "fake_server.hpp"
#include "support/gsasl_cli.hpp"

namespace tsna::testing {

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
