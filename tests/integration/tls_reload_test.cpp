// tls_reload_test.cpp - SIGHUP reads the TLS certificate and key again (SPEC 4.5): new
// connections get the renewed certificate, established ones go on, a broken file keeps the old
// certificate and says why on stderr, and the audit log is reopened in the same step.
// Certificates come from the openssl command line (support/tls_test_client.hpp).
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "fixture.hpp"
#include "support/tls_test_client.hpp"

namespace tsna::testing {
namespace {

using namespace std::chrono_literals;

class TlsReload : public ServerTest {
 protected:
  void SetUp() override {
    certs_ = make_test_certificates(dir_.path());
    start({"--tls-cert", certs_.server_cert.string(), "--tls-key", certs_.server_key.string()});
  }

  // Sends SIGHUP and waits (at most 10 s) until stderr holds `line` one more time than before.
  bool reload_and_wait_for(const std::string& line) {
    const auto count = [&] {
      const std::string err = server().stderr_text();
      std::size_t n = 0;
      for (std::size_t at = err.find(line); at != std::string::npos; at = err.find(line, at + 1)) {
        ++n;
      }
      return n;
    };
    const std::size_t before = count();
    ::kill(server().pid(), SIGHUP);
    for (int i = 0; i < 1000; ++i) {
      if (count() > before) {
        return true;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  std::string reloaded_line() const {
    return "tsna-server: TLS certificate reloaded from " + certs_.server_cert.string() + "\n";
  }

  // A fresh connection's view of the served certificate: "serial subject".
  std::string served_certificate() {
    TlsTestClient c(port(), certs_.ca_cert, "localhost");
    EXPECT_TRUE(c.connected()) << c.handshake_error();
    EXPECT_EQ(c.read_exact(7), "success");
    return c.peer_serial() + " " + c.peer_subject();
  }

  void renew(unsigned serial) {
    issue_server_certificate(certs_, "/CN=localhost/O=renewed", serial, certs_.server_cert,
                             certs_.server_key);
  }

  TestCertificates certs_;
};

TEST_F(TlsReload, RenewedCertificateIsServedToNewConnectionsAfterSighup) {
  const std::string before = served_certificate();
  EXPECT_TRUE(before.ends_with(" /CN=localhost")) << before;
  renew(4242);
  ASSERT_TRUE(reload_and_wait_for(reloaded_line())) << server().stderr_text();
  EXPECT_EQ(served_certificate(), "1092 /CN=localhost/O=renewed");  // 4242 is 0x1092
}

TEST_F(TlsReload, EstablishedConnectionGoesOnAfterTheReload) {
  TlsTestClient old(port(), certs_.ca_cert, "localhost");
  ASSERT_TRUE(old.connected()) << old.handshake_error();
  EXPECT_EQ(old.read_exact(7), "success");
  const std::string old_serial = old.peer_serial();
  renew(4243);
  ASSERT_TRUE(reload_and_wait_for(reloaded_line())) << server().stderr_text();
  old.send("hello TSNA/2\n");
  EXPECT_EQ(old.read_line(), "200:TSNA/2\n");
  old.send("register tls " + std::string(kHash123456) + "\n");
  EXPECT_EQ(old.read_line(), "200:Your Registered Username is tls\n");
  EXPECT_EQ(old.peer_serial(), old_serial);
  EXPECT_EQ(served_certificate(), "1093 /CN=localhost/O=renewed");
}

TEST_F(TlsReload, BrokenCertificateKeepsTheOldOneAndSaysWhy) {
  const std::string before = served_certificate();
  std::ofstream(certs_.server_cert) << "not a certificate\n";
  ASSERT_TRUE(reload_and_wait_for("tsna-server: TLS certificate not reloaded, the old one stays: " +
                                  certs_.server_cert.string() +
                                  ": cannot use as TLS certificate: no start line (PEM "
                                  "routines)\n"))
      << server().stderr_text();
  EXPECT_EQ(served_certificate(), before);

  // Once the files are right again, the next SIGHUP takes them.
  renew(4244);
  ASSERT_TRUE(reload_and_wait_for(reloaded_line())) << server().stderr_text();
  EXPECT_EQ(served_certificate(), "1094 /CN=localhost/O=renewed");
}

TEST_F(TlsReload, KeyThatDoesNotMatchTheCertificateKeepsTheOldOne) {
  const std::string before = served_certificate();
  const std::filesystem::path spare_cert = dir_.path() / "spare.pem";
  issue_server_certificate(certs_, "/CN=localhost", 4245, spare_cert, certs_.server_key);
  ASSERT_TRUE(reload_and_wait_for("tsna-server: TLS certificate not reloaded, the old one stays: " +
                                  certs_.server_key.string() +
                                  ": cannot use as TLS key: key values mismatch (x509 certificate "
                                  "routines)\n"))
      << server().stderr_text();
  EXPECT_EQ(served_certificate(), before);
}

TEST_F(TlsReload, SighupAlsoReopensTheAuditLog) {
  const std::filesystem::path log = data_dir() / "data_log.jsonl";
  ASSERT_TRUE(std::filesystem::exists(log));
  std::filesystem::rename(log, data_dir() / "data_log.jsonl.1");
  ASSERT_TRUE(reload_and_wait_for(reloaded_line())) << server().stderr_text();
  bool reopened = false;  // the audit writer thread reopens it, soon after the signal
  for (int i = 0; i < 500 && !reopened; ++i) {
    reopened = std::filesystem::exists(log);
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(reopened);
}

}  // namespace
}  // namespace tsna::testing
