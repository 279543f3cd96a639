// tls_test_client.hpp - a blocking TLS client for tests (OpenSSL directly), plus helpers that
// make a throwaway CA and server certificates (and renewals) with the openssl command line.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace tsna::testing {

struct TestCertificates {
  std::filesystem::path ca_cert;
  std::filesystem::path server_cert;  // for CN=localhost, SAN DNS:localhost, IP:127.0.0.1
  std::filesystem::path server_key;
  std::filesystem::path other_ca_cert;  // a CA that signed nothing the server uses
};

// Runs `openssl req`/`openssl x509` in `dir`; throws std::runtime_error if openssl fails.
TestCertificates make_test_certificates(const std::filesystem::path& dir);

// Issues another certificate for the same names from the CA of `certs`, with a new key, the
// subject `subject` ("/CN=localhost/O=renewed") and the serial number `serial`; writes `cert`
// and `key`. For renewal tests. Throws std::runtime_error if openssl fails.
void issue_server_certificate(const TestCertificates& certs, const std::string& subject,
                              unsigned serial, const std::filesystem::path& cert,
                              const std::filesystem::path& key);

class TlsTestClient {
 public:
  // Connects to 127.0.0.1:port and handshakes, verifying the chain against `ca_file` and the
  // name `host` (a DNS name or an IP address). handshake_error() says why it failed, if it did.
  TlsTestClient(std::uint16_t port, const std::filesystem::path& ca_file, std::string host);
  ~TlsTestClient();
  TlsTestClient(const TlsTestClient&) = delete;
  TlsTestClient& operator=(const TlsTestClient&) = delete;

  bool connected() const { return ssl_ != nullptr; }
  const std::string& handshake_error() const { return error_; }
  std::string protocol_version() const;

  void send(std::string_view bytes);
  std::string read_exact(std::size_t n);
  std::string read_line();  // up to and including '\n'
  // The RFC 9266 tls-exporter value of this connection.
  std::array<std::uint8_t, 32> channel_binding() const;
  // The certificate the server presented: its serial number in hex ("1092") and its subject
  // ("/CN=localhost"); empty when not connected.
  std::string peer_serial() const;
  std::string peer_subject() const;

 private:
  int fd_ = -1;
  void* ctx_ = nullptr;  // SSL_CTX*
  void* ssl_ = nullptr;  // SSL*
  std::string error_;
  std::string buffered_;
};

}  // namespace tsna::testing
