// gsasl_relay.cpp - the relay between SPEC 1.2's lines and those of `gsasl --server`.
#include "gsasl_relay.hpp"

#include <stdexcept>
#include <vector>

#include "auth/scram_client.hpp"
#include "auth/scram_server.hpp"

namespace tsna::testing {
namespace {

std::string without_line_end(std::string line) {
  if (!line.empty() && line.back() == '\n') {
    line.pop_back();
  }
  return line;
}

// A server-final that is right for some login, just not for the client's: an honest exchange
// of another client with a server holding another password's verifier.
std::string foreign_server_final() {
  const std::string password = "ffffffffffffffffffffffffffffffff";
  const auth::ScramVerifier v =
      auth::derive_verifier(password, std::vector<std::uint8_t>(16, 1), 4096);
  auth::ScramServer server(auth::ScramMechanism::kSha256, v);
  auth::ScramClient client(auth::ScramMechanism::kSha256, "bob", password);
  std::string server_first, client_final, server_final;
  if (server.step(client.first(), server_first) != auth::ScramStep::kContinue ||
      client.step(server_first, client_final) != auth::ScramClientStep::kContinue ||
      server.step(client_final, server_final) != auth::ScramStep::kDone) {
    throw std::runtime_error("relay: cannot make a foreign server-final");
  }
  return server_final;
}

}  // namespace

void relay_to_gsasl(FakePeer& peer, std::string_view scram_password, RelayAnswer answer,
                    RelayLog& log) {
  accept_tsna2(peer);
  log.auth_request = without_line_end(peer.read_until("\n"));
  constexpr std::string_view kPrefix = "auth SCRAM-SHA-256 ";
  if (!log.auth_request.starts_with(kPrefix)) {
    peer.send("400:Invalid command\n");
    return;
  }
  GsaslCli gsasl(GsaslCli::scram_server_args(scram_password));
  const std::optional<std::string> mechanism = gsasl.read_line();
  const std::optional<std::string> nothing_first = gsasl.read_line();
  if (mechanism != "SCRAM-SHA-256" || nothing_first != "") {
    peer.send("400:Service unavailable, try again later\n");
    return;
  }
  gsasl.write_line(std::string_view(log.auth_request).substr(kPrefix.size()));
  const std::optional<std::string> server_first = gsasl.read_line();
  if (!server_first) {
    peer.send("400:Authentication Failed!\n");
    log.gsasl_status = gsasl.finish();
    return;
  }
  peer.send("300:" + *server_first + "\n");
  gsasl.write_line(without_line_end(peer.read_until("\n")));
  const std::optional<std::string> server_final = gsasl.read_line();
  log.gsasl_accepted = server_final.has_value();
  if (server_final) {
    gsasl.write_line("");  // gsasl reads one more line after its last message
  }
  log.gsasl_status = gsasl.finish();
  if (answer == RelayAnswer::kForeignServerFinal) {
    peer.send("200-" + foreign_server_final() + "\n200:login is successful\n");
  } else if (server_final) {
    peer.send("200-" + *server_final + "\n200:login is successful\n");
  } else {
    peer.send("400:Authentication Failed!\n");
  }
  for (;;) {
    const std::string line = peer.read_until("\n");
    if (line.empty()) {
      return;
    }
    if (line == "exit\n") {
      peer.send("200:disconnected\n");
      return;
    }
    peer.send("400:Invalid command\n");
  }
}

}  // namespace tsna::testing
