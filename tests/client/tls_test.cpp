// tls_test.cpp - tsna --tls (SPEC 5.6) against tsna-server --tls-cert/--tls-key, with a CA and
// certificates this test makes with the openssl command line: a whole session over TLS (the
// login is SCRAM-SHA-256-PLUS, bound to the tls-exporter value), and every verification
// failure exits 2 with why.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "child_process.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_test_client.hpp"

namespace tsna::testing {
namespace {

class ClientTls : public ::testing::Test {
 protected:
  void SetUp() override { certs_ = make_test_certificates(dir_.path()); }
  void start(const std::filesystem::path& cert, const std::filesystem::path& key) {
    server_ = std::make_unique<ServerProcess>(
        dir_.path() / "data",
        std::vector<std::string>{"--tls-cert", cert.string(), "--tls-key", key.string()});
  }
  std::string port() const { return std::to_string(server_->port()); }
  static PipeResult run(const std::vector<std::string>& args, std::string_view input = "") {
    return run_client_with_pipes(args, input, client_environment({{"TSNA_PASSWORD", "s3cret"}}));
  }

  TempDir dir_;
  TestCertificates certs_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ClientTls, WholeSessionOverVerifiedTlsWithChannelBoundLogin) {
  start(certs_.server_cert, certs_.server_key);
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    const std::string user = host == "localhost" ? "carol" : "dave";
    const PipeResult r = run({"--tls", "--ca", certs_.ca_cert.string(), host + ":" + port()},
                             "register " + user + "\nlogin " + user + "\nsum 1 2 3\nexit\n");
    EXPECT_EQ(r.out, "200:Your Registered Username is " + user +
                         "\n200:login is successful\n200:6.0\n200:disconnected\n")
        << r.err;
    EXPECT_EQ(r.status, 0) << r.err;
  }
}

TEST_F(ClientTls, UntrustedCaFailsWithItsReasonAndExitsTwo) {
  start(certs_.server_cert, certs_.server_key);
  const PipeResult r =
      run({"--tls", "--ca", certs_.other_ca_cert.string(), "127.0.0.1:" + port(), "-c", "ls"});
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "tsna: 127.0.0.1:" + port() +
                       ": TLS failed: certificate verify failed: unable to get local issuer "
                       "certificate\n");
  EXPECT_EQ(r.status, 2);
}

TEST_F(ClientTls, SystemStoreDoesNotTrustATestCa) {
  start(certs_.server_cert, certs_.server_key);
  const PipeResult r = run({"--tls", "127.0.0.1:" + port(), "-c", "ls"});
  EXPECT_NE(r.err.find("TLS failed: certificate verify failed"), std::string::npos) << r.err;
  EXPECT_EQ(r.status, 2);
}

TEST_F(ClientTls, CertificateForAnotherNameFailsAndExitsTwo) {
  // The CA's own certificate names "tsna-test-ca", not 127.0.0.1 or localhost.
  start(certs_.ca_cert, dir_.path() / "ca.key");
  PipeResult r = run({"--tls", "--ca", certs_.ca_cert.string(), "127.0.0.1:" + port(), "-c", "ls"});
  EXPECT_EQ(r.err, "tsna: 127.0.0.1:" + port() +
                       ": TLS failed: certificate verify failed: IP address mismatch\n");
  EXPECT_EQ(r.status, 2);
  r = run({"--tls", "--ca", certs_.ca_cert.string(), "localhost:" + port(), "-c", "ls"});
  EXPECT_EQ(r.err, "tsna: localhost:" + port() +
                       ": TLS failed: certificate verify failed: hostname mismatch\n");
  EXPECT_EQ(r.status, 2);
}

TEST_F(ClientTls, PlainServerIsNotMistakenForTls) {
  server_ = std::make_unique<ServerProcess>(dir_.path() / "data");
  const PipeResult r =
      run({"--tls", "--ca", certs_.ca_cert.string(), "127.0.0.1:" + port(), "-c", "ls"});
  EXPECT_NE(r.err.find("TLS failed"), std::string::npos) << r.err;
  EXPECT_EQ(r.status, 2);
}

}  // namespace
}  // namespace tsna::testing
