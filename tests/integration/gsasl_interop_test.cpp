// gsasl_interop_test.cpp - GNU SASL's own command-line client (`gsasl --client`, a SCRAM
// implementation we did not write) logs in to tsna-server over TSNA/2, the test relaying its
// base64 lines (SPEC 1.2): the right password logs in and gsasl accepts our server-final; a
// wrong one is refused.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "fixture.hpp"
#include "support/gsasl_cli.hpp"

namespace tsna::testing {
namespace {

struct Relayed {
  std::string verdict;  // the server's reply to client-final, all its lines
  int gsasl_status = -1;
};

// gsasl's client-first goes out as `auth SCRAM-SHA-256 <it>`; our `300:<server-first>` goes in
// to gsasl as its line; gsasl's client-final goes out as is; our `200-<server-final>` goes to
// gsasl, which then exits 0 only if it proves the server.
Relayed relay_login(TestClient& c, std::string_view user, std::string_view password) {
  Relayed r;
  GsaslCli gsasl(GsaslCli::scram_client_args(user, password));
  const std::optional<std::string> mechanism = gsasl.read_line();
  const std::optional<std::string> client_first = gsasl.read_line();
  EXPECT_EQ(mechanism, "SCRAM-SHA-256");
  if (!client_first) {
    return r;
  }
  c.send("auth SCRAM-SHA-256 " + *client_first + "\n");
  const std::string first = c.read_reply();
  EXPECT_EQ(first.substr(0, 4), "300:") << first;
  gsasl.write_line(std::string_view(first).substr(4, first.size() - 5));
  const std::optional<std::string> client_final = gsasl.read_line();
  if (!client_final) {
    return r;
  }
  c.send(*client_final + "\n");
  r.verdict = c.read_reply();
  if (r.verdict.starts_with("200-")) {
    gsasl.write_line(std::string_view(r.verdict).substr(4, r.verdict.find('\n') - 4));
    // Having checked server-final, gsasl prints an empty line and reads one more (as its
    // server does) before it exits.
    EXPECT_EQ(gsasl.read_line(), "");
    gsasl.write_line("");
  }
  r.gsasl_status = gsasl.finish();
  return r;
}

class GsaslInterop : public ServerTest {};

TEST_F(GsaslInterop, GnuSaslsClientLogsInAndAcceptsTheServersProof) {
  start();
  auto c = tsna2();
  ASSERT_EQ(c->tsna2_register("alice", kHash123456), "200:Your Registered Username is alice\n");
  const Relayed r = relay_login(*c, "alice", kHash123456);
  ASSERT_TRUE(r.verdict.starts_with("200-")) << r.verdict;
  EXPECT_TRUE(r.verdict.ends_with("\n200:login is successful\n")) << r.verdict;
  EXPECT_EQ(r.gsasl_status, 0) << "gsasl did not accept the server-final";
  c->send("sum 1 2\n");
  EXPECT_EQ(c->read_reply(), "200:3.0\n");
}

TEST_F(GsaslInterop, GnuSaslsClientWithTheWrongPasswordIsRefused) {
  start();
  auto c = tsna2();
  ASSERT_EQ(c->tsna2_register("alice", kHash123456), "200:Your Registered Username is alice\n");
  const Relayed r = relay_login(*c, "alice", kHash123);
  EXPECT_EQ(r.verdict, "400:Authentication Failed!\n");
  c->send("sum 1 2\n");
  EXPECT_EQ(c->read_reply(), "400:Invalid command\n");
}

}  // namespace
}  // namespace tsna::testing
