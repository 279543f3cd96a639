// gsasl_interop_test.cpp - tsna logs in to a SCRAM server we did not write: GNU SASL's own
// `gsasl --server` behind a relay on 127.0.0.1 (gsasl_relay.hpp); and refuses the relay when it
// answers with a server-final that belongs to another password.
#include <gtest/gtest.h>

#include <string>

#include "auth/ntlm.hpp"
#include "child_process.hpp"
#include "gsasl_relay.hpp"

namespace tsna::testing {
namespace {

struct RelayRun {
  PipeResult result;
  RelayLog log;
  std::uint16_t port = 0;
};

// tsna --user bob with TSNA_PASSWORD=`password` against a relay to a gsasl server that holds
// `server_password`'s SCRAM password (its ntlm_hash), then `exit`.
RelayRun log_in_through_relay(std::string_view password, std::string_view server_password,
                              RelayAnswer answer) {
  RelayRun run;
  const std::string scram_password = auth::ntlm_hash(server_password);
  {
    FakeServer relay(
        [&](FakePeer& peer) { relay_to_gsasl(peer, scram_password, answer, run.log); });
    run.port = relay.port();
    run.result = run_client_with_pipes(
        {"127.0.0.1:" + std::to_string(run.port), "--user", "bob", "-c", "exit"}, "",
        client_environment({{"TSNA_PASSWORD", std::string(password)}}));
  }  // the relay has ended
  return run;
}

TEST(GsaslInterop, TsnaLogsInToGnuSaslsOwnServer) {
  const RelayRun run = log_in_through_relay("s3cret", "s3cret", RelayAnswer::kGsaslsVerdict);
  EXPECT_TRUE(run.log.auth_request.starts_with("auth SCRAM-SHA-256 ")) << run.log.auth_request;
  EXPECT_TRUE(run.log.gsasl_accepted);
  EXPECT_EQ(run.log.gsasl_status, 0);  // gsasl --server: authentication succeeded
  EXPECT_EQ(run.result.out, "200:disconnected\n");
  EXPECT_EQ(run.result.err, "");
  EXPECT_EQ(run.result.status, 0);
}

TEST(GsaslInterop, GnuSaslsServerRefusesAWrongPassword) {
  const RelayRun run = log_in_through_relay("wrong", "s3cret", RelayAnswer::kGsaslsVerdict);
  EXPECT_FALSE(run.log.gsasl_accepted);
  EXPECT_EQ(run.log.gsasl_status, 1);
  EXPECT_EQ(run.result.err, "400:Authentication Failed!\n");
  EXPECT_EQ(run.result.status, 1);
}

TEST(GsaslInterop, RelayAnsweringWithAnotherPasswordsServerFinalIsRefused) {
  // gsasl holds the user's own password and accepts the proof, but the relay passes on a
  // server-final that an honest server made for another password (and another login).
  const RelayRun run = log_in_through_relay("s3cret", "s3cret", RelayAnswer::kForeignServerFinal);
  EXPECT_TRUE(run.log.gsasl_accepted);
  EXPECT_EQ(run.result.out, "");
  EXPECT_EQ(run.result.err, "tsna: The server at 127.0.0.1:" + std::to_string(run.port) +
                                " did not prove that it knows your password verifier; it may "
                                "be an impostor. Closing the connection\n");
  EXPECT_EQ(run.result.status, 2);
}

TEST(GsaslInterop, RelayToAServerWithAnotherPasswordThatSaysYesIsRefused) {
  // The impostor's gsasl holds another password: it refuses the proof, and the relay claims
  // success with a server-final of its own.
  const RelayRun run =
      log_in_through_relay("s3cret", "impostor's guess", RelayAnswer::kForeignServerFinal);
  EXPECT_FALSE(run.log.gsasl_accepted);
  EXPECT_EQ(run.result.out, "");
  EXPECT_EQ(run.result.status, 2);
  EXPECT_NE(run.result.err.find("it may be an impostor"), std::string::npos) << run.result.err;
}

}  // namespace
}  // namespace tsna::testing
