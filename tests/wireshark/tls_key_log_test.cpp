// tls_key_log_test.cpp - SSLKEYLOGFILE (SPEC 7): the tsna client writes its TLS secrets to that
// file (mode 0600, NSS key log lines), and with it tshark decrypts a capture of a TLS session
// so that the dissector shows the TSNA/2 messages and the channel-bound SCRAM login inside.
// The captures need root for dumpcap, as in CI.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "client/child_process.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_test_client.hpp"
#include "wireshark/wireshark_tools.hpp"

namespace tsna::testing {
namespace {

using Fields = std::map<std::string, std::vector<std::string>>;
using Strings = std::vector<std::string>;

class TlsKeyLog : public ::testing::Test {
 protected:
  void SetUp() override {
    certs_ = make_test_certificates(dir_.path());
    key_log_ = dir_.path() / "keys.log";
  }

  // A TLS session of `tsna --tls` with SSLKEYLOGFILE set: register, log in, a command, exit.
  void run_tls_client(std::uint16_t port, const std::string& user) {
    const PipeResult r = run_client_with_pipes(
        {"--tls", "--ca", certs_.ca_cert.string(), "127.0.0.1:" + std::to_string(port), "-c",
         "register " + user + " 123456", "-c", "login " + user + " 123456", "-c", "sum 1 2", "-c",
         "exit"},
        "", client_environment({{"SSLKEYLOGFILE", key_log_.string()}}));
    ASSERT_EQ(r.status, 0) << r.out << r.err;
  }

  // One plain session after the TLS one: once its last reply is in the capture, so is all of the
  // TLS session before it (dumpcap writes loopback packets in order).
  static void run_plain_client(std::uint16_t port) {
    const PipeResult r = run_client_with_pipes({"127.0.0.1:" + std::to_string(port), "-c", "exit"},
                                               "", client_environment({}));
    ASSERT_EQ(r.status, 0) << r.out << r.err;
  }

  // Captures on loopback need root (dumpcap), as CI has.
  static bool can_capture() { return geteuid() == 0; }

  TempDir dir_;
  TestCertificates certs_;
  std::filesystem::path key_log_;
};

TEST_F(TlsKeyLog, ClientAppendsTls13SecretsToAFileOnlyItsOwnerCanRead) {
  ServerProcess server(dir_.path() / "data", {"--tls-cert", certs_.server_cert.string(),
                                              "--tls-key", certs_.server_key.string()});
  run_tls_client(server.port(), "dave");
  struct stat st {};
  ASSERT_EQ(::stat(key_log_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(key_log_);
  std::string line;
  Strings labels;
  while (std::getline(in, line)) {
    labels.push_back(line.substr(0, line.find(' ')));
  }
  // The five secrets of a TLS 1.3 session, in whatever order OpenSSL logs them.
  std::sort(labels.begin(), labels.end());
  EXPECT_EQ(labels, (Strings{"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
                             "EXPORTER_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                             "SERVER_TRAFFIC_SECRET_0"}));
  // A second session appends to the file.
  run_tls_client(server.port(), "erin");
  std::ifstream again(key_log_);
  std::size_t lines = 0;
  while (std::getline(again, line)) {
    ++lines;
  }
  EXPECT_EQ(lines, 10u);
}

TEST_F(TlsKeyLog, TsharkDecryptsATlsPortSessionAndTheDissectorShowsTheBoundLogin) {
  if (!can_capture()) {
    GTEST_SKIP() << "dumpcap needs root to capture on loopback";
  }
  ServerProcess server(dir_.path() / "data",
                       {"--tls-cert", certs_.server_cert.string(), "--tls-key",
                        certs_.server_key.string(), "--tls-port", "0"});
  const std::string tls_port = std::to_string(server.tls_port());
  const std::filesystem::path file = dir_.path() / "tls.pcapng";
  {
    LoopbackCapture capture(
        file, "tcp port " + tls_port + " or tcp port " + std::to_string(server.port()));
    run_tls_client(server.tls_port(), "frank");
    run_plain_client(server.port());
    ASSERT_TRUE(capture.stop_after(server.port(), "200:disconnected\n", 1));
  }
  const Strings options = {"-o", "tls.keylog_file:" + key_log_.string(),
                           "-d", "tcp.port==" + tls_port + ",tls",
                           "-o", "tsna.tls_port:" + tls_port};
  const Fields f = tshark_fields(
      file, options, "tls && tsna",
      {"tsna.greeting", "tsna.hello", "tsna.command", "tsna.text", "tsna.scram.mechanism",
       "tsna.scram.step", "tsna.scram.gs2", "tsna.scram.user", "tsna.scram.cbind"});
  EXPECT_EQ(f.at("tsna.greeting"), Strings{"success"});
  EXPECT_EQ(f.at("tsna.hello"), Strings{"TSNA/2"});
  EXPECT_EQ(f.at("tsna.command"), (Strings{"register", "auth", "sum", "exit"}));
  EXPECT_EQ(f.at("tsna.scram.mechanism"), Strings{"SCRAM-SHA-256-PLUS"});
  EXPECT_EQ(f.at("tsna.scram.step"),
            (Strings{"client-first", "server-first", "client-final", "server-final"}));
  EXPECT_EQ(f.at("tsna.scram.gs2"), Strings{"p=tls-exporter"});
  EXPECT_EQ(f.at("tsna.scram.user"), Strings{"frank"});
  ASSERT_EQ(f.at("tsna.scram.cbind").size(), 1u);
  EXPECT_TRUE(f.at("tsna.scram.cbind")[0].ends_with(" (p=tls-exporter,, + 32 bytes of binding)"))
      << f.at("tsna.scram.cbind")[0];
  const Strings& text = f.at("tsna.text");
  ASSERT_EQ(text.size(), 7u);
  EXPECT_EQ(text[0], "TSNA/2");
  EXPECT_EQ(text[1], "Your Registered Username is frank");
  EXPECT_EQ(text[4], "login is successful");
  EXPECT_EQ(text[5], "3.0");
  EXPECT_EQ(text[6], "disconnected");
  // Inside TLS the register line's hash is not in clear: no warning.
  EXPECT_FALSE(tshark_fields(file, options, "tsna.hash_in_clear", {"frame.number"})
                   .contains("frame.number"));
  // Without the key log the same capture shows TLS and no TSNA message.
  EXPECT_FALSE(
      tshark_fields(file,
                    {"-d", "tcp.port==" + tls_port + ",tls", "-o", "tsna.tls_port:" + tls_port},
                    "tls && tsna", {"frame.number"})
          .contains("frame.number"));
}

TEST_F(TlsKeyLog, DissectorHandsTlsOnTheTsnaPortToTheTlsDissector) {
  if (!can_capture()) {
    GTEST_SKIP() << "dumpcap needs root to capture on loopback";
  }
  // TLS on the main port (no --tls-port): Decode As TSNA, and the dissector finds TLS records
  // and passes them on; the decrypted payload comes back through the heuristic (greeting).
  ServerProcess server(dir_.path() / "data", {"--tls-cert", certs_.server_cert.string(),
                                              "--tls-key", certs_.server_key.string()});
  // A plain server whose session, once captured, marks the end of the TLS one.
  ServerProcess marker(dir_.path() / "marker");
  const std::string port = std::to_string(server.port());
  const std::filesystem::path file = dir_.path() / "same-port.pcapng";
  {
    LoopbackCapture capture(file,
                            "tcp port " + port + " or tcp port " + std::to_string(marker.port()));
    run_tls_client(server.port(), "gina");
    run_plain_client(marker.port());
    ASSERT_TRUE(capture.stop_after(marker.port(), "200:disconnected\n", 1));
  }
  const Fields f = tshark_fields(
      file, {"-o", "tls.keylog_file:" + key_log_.string(), "-d", "tcp.port==" + port + ",tsna"},
      "tls && tsna.command", {"tsna.command", "tsna.scram.mechanism"});
  EXPECT_EQ(f.at("tsna.command"), (Strings{"register", "auth", "sum", "exit"}));
  EXPECT_EQ(f.at("tsna.scram.mechanism"), Strings{"SCRAM-SHA-256-PLUS"});
}

}  // namespace
}  // namespace tsna::testing
