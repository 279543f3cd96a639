// tls_test.cpp - TLS on the main port or on --tls-port (SPEC 4.5), with certificates this test
// makes with the openssl command line: TLS 1.2+, the chain and host name verify, the TSNA/2 login
// must be SCRAM-SHA-256-PLUS bound to this channel, and a wrong name or an untrusted CA fails.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "support/scram_steps.hpp"
#include "support/tls_test_client.hpp"

namespace tsna::testing {
namespace {

class Tls : public ServerTest {
 protected:
  void SetUp() override { certs_ = make_test_certificates(dir_.path()); }

  std::vector<std::string> tls_args() const {
    return {"--tls-cert", certs_.server_cert.string(), "--tls-key", certs_.server_key.string()};
  }

  // hello, register, then the SCRAM login: -PLUS over `binding` when one is given, else the
  // plain mechanism (a downgrade attempt). The last reply line; "server-final did not verify"
  // if the server's signature was wrong.
  static std::string login(TlsTestClient& c, std::span<const std::uint8_t> binding) {
    EXPECT_EQ(c.read_exact(7), "success");
    ScramSteps scram(
        "tls", kHash123456,
        binding.empty() ? auth::ScramMechanism::kSha256 : auth::ScramMechanism::kSha256Plus,
        binding);
    c.send("hello TSNA/2\nregister tls " + std::string(kHash123456) + "\n" + scram.auth_line());
    EXPECT_EQ(c.read_line(), "200:TSNA/2\n");
    const std::string reg = c.read_line();
    EXPECT_TRUE(reg == "200:Your Registered Username is tls\n" ||
                reg == "400:Username is already in users!\n")
        << reg;
    const std::string first = c.read_line();
    const std::string answer = scram.answer_line(first);
    if (answer.empty()) {
      return first;
    }
    c.send(answer);
    const std::string verdict = c.read_line();
    if (!verdict.starts_with("200-")) {
      return verdict;
    }
    const std::string last = c.read_line();
    return scram.server_proved(verdict + last) ? last : "server-final did not verify";
  }

  TestCertificates certs_;
};

TEST_F(Tls, LoginOverTlsMustIncludeTheChannelBinding) {
  start(tls_args());
  EXPECT_EQ(server().tls_port(), port());
  TlsTestClient bound(port(), certs_.ca_cert, "localhost");
  ASSERT_TRUE(bound.connected()) << bound.handshake_error();
  EXPECT_EQ(login(bound, bound.channel_binding()), "200:login is successful\n");

  // Plain SCRAM-SHA-256 under TLS is a downgrade: refused.
  TlsTestClient unbound(port(), certs_.ca_cert, "127.0.0.1");
  ASSERT_TRUE(unbound.connected()) << unbound.handshake_error();
  EXPECT_EQ(login(unbound, {}), "400:Authentication Failed!\n");

  // A binding from another channel (a relay's) does not match this one.
  TlsTestClient relayed(port(), certs_.ca_cert, "127.0.0.1");
  ASSERT_TRUE(relayed.connected()) << relayed.handshake_error();
  EXPECT_EQ(login(relayed, bound.channel_binding()), "400:Authentication Failed!\n");
}

TEST_F(Tls, PeerThatNeverAnswersCloseNotifyDoesNotHoldTheShutdown) {
  // Regression: after SIGTERM the server waited for the peer's close_notify with nothing to
  // bound the wait, and exited only when the peer went away.
  start(tls_args());
  TlsTestClient idle(port(), certs_.ca_cert, "localhost");
  ASSERT_TRUE(idle.connected()) << idle.handshake_error();
  EXPECT_EQ(idle.read_exact(7), "success");
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(server().stop(), 0);
  // The grace is 1 s; ServerProcess would SIGKILL only after 10 s.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

TEST_F(Tls, NegotiatesTls12OrLater) {
  start(tls_args());
  TlsTestClient c(port(), certs_.ca_cert, "localhost");
  ASSERT_TRUE(c.connected()) << c.handshake_error();
  EXPECT_TRUE(c.protocol_version() == "TLSv1.3" || c.protocol_version() == "TLSv1.2");
}

TEST_F(Tls, WrongHostNameFailsVerification) {
  start(tls_args());
  TlsTestClient c(port(), certs_.ca_cert, "example.com");
  EXPECT_FALSE(c.connected());
  EXPECT_EQ(c.handshake_error(), "hostname mismatch");
}

TEST_F(Tls, UntrustedCaFailsVerification) {
  start(tls_args());
  TlsTestClient c(port(), certs_.other_ca_cert, "localhost");
  EXPECT_FALSE(c.connected());
  EXPECT_EQ(c.handshake_error(), "unable to get local issuer certificate");
}

TEST_F(Tls, TlsPortLeavesTheMainPortPlainForClassicClients) {
  std::vector<std::string> args = tls_args();
  args.insert(args.end(), {"--tls-port", "0", "--allow-classic"});
  start(args);
  ASSERT_NE(server().tls_port(), 0);
  ASSERT_NE(server().tls_port(), port());
  auto plain = classic();
  expect_classic(*plain, "register bob " + std::string(kHash123456),
                 "200:Your Registered Username is bob");
  TlsTestClient secure(server().tls_port(), certs_.ca_cert, "localhost");
  ASSERT_TRUE(secure.connected()) << secure.handshake_error();
  EXPECT_EQ(login(secure, secure.channel_binding()), "200:login is successful\n");
}

TEST_F(Tls, PlainClientOnATlsPortIsDroppedWithoutHarm) {
  start(tls_args());
  TestClient c(port());
  c.send("hello TSNA/2\n");
  EXPECT_TRUE(c.closed_by_peer());
  TlsTestClient ok(port(), certs_.ca_cert, "localhost");
  EXPECT_TRUE(ok.connected()) << ok.handshake_error();
}

}  // namespace
}  // namespace tsna::testing
