// tls_test_client.cpp - OpenSSL blocking client and openssl-CLI certificates for TLS tests.
#include "support/tls_test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace tsna::testing {
namespace {

void run(const std::string& cmd) {
  if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) {
    throw std::runtime_error("failed: " + cmd);
  }
}

SSL* as_ssl(void* p) {
  return static_cast<SSL*>(p);
}

}  // namespace

TestCertificates make_test_certificates(const std::filesystem::path& dir) {
  const std::string d = dir.string();
  TestCertificates c{dir / "ca.pem", dir / "server.pem", dir / "server.key", dir / "other-ca.pem"};
  run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=tsna-test-ca -keyout " + d +
      "/ca.key -out " + c.ca_cert.string());
  run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=tsna-other-ca -keyout " + d +
      "/other-ca.key -out " + c.other_ca_cert.string());
  run("openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout " + c.server_key.string() +
      " -out " + d + "/server.csr");
  std::ofstream(dir / "san.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
  run("openssl x509 -req -days 2 -in " + d + "/server.csr -CA " + c.ca_cert.string() + " -CAkey " +
      d + "/ca.key -CAcreateserial -extfile " + d + "/san.ext -out " + c.server_cert.string());
  return c;
}

void issue_server_certificate(const TestCertificates& certs, const std::string& subject,
                              unsigned serial, const std::filesystem::path& cert,
                              const std::filesystem::path& key) {
  const std::filesystem::path dir = certs.ca_cert.parent_path();
  const std::string csr = (dir / "renewal.csr").string();
  run("openssl req -newkey rsa:2048 -nodes -subj " + subject + " -keyout " + key.string() +
      " -out " + csr);
  run("openssl x509 -req -days 2 -in " + csr + " -CA " + certs.ca_cert.string() + " -CAkey " +
      (dir / "ca.key").string() + " -set_serial " + std::to_string(serial) + " -extfile " +
      (dir / "san.ext").string() + " -out " + cert.string());
}

TlsTestClient::TlsTestClient(std::uint16_t port, const std::filesystem::path& ca_file,
                             std::string host) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    error_ = "connect failed";
    return;
  }
  timeval tv{5, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  ctx_ = ctx;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (!ca_file.empty()) {
    SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
  }
  SSL* ssl = SSL_new(ctx);
  in_addr ip{};
  if (inet_pton(AF_INET, host.c_str(), &ip) == 1) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
  } else {
    SSL_set1_host(ssl, host.c_str());
    SSL_set_tlsext_host_name(ssl, host.c_str());
  }
  SSL_set_fd(ssl, fd_);
  if (SSL_connect(ssl) != 1) {
    const long verify = SSL_get_verify_result(ssl);
    error_ = verify != X509_V_OK ? X509_verify_cert_error_string(verify)
                                 : ERR_error_string(ERR_get_error(), nullptr);
    SSL_free(ssl);
    return;
  }
  ssl_ = ssl;
}

TlsTestClient::~TlsTestClient() {
  if (ssl_ != nullptr) {
    SSL_shutdown(as_ssl(ssl_));
    SSL_free(as_ssl(ssl_));
  }
  if (ctx_ != nullptr) {
    SSL_CTX_free(static_cast<SSL_CTX*>(ctx_));
  }
  if (fd_ >= 0) {
    close(fd_);
  }
}

std::string TlsTestClient::protocol_version() const {
  return SSL_get_version(as_ssl(ssl_));
}

void TlsTestClient::send(std::string_view bytes) {
  if (SSL_write(as_ssl(ssl_), bytes.data(), static_cast<int>(bytes.size())) <= 0) {
    throw std::runtime_error("SSL_write failed");
  }
}

std::string TlsTestClient::read_exact(std::size_t n) {
  while (buffered_.size() < n) {
    char buf[4096];
    const int got = SSL_read(as_ssl(ssl_), buf, sizeof buf);
    if (got <= 0) {
      break;
    }
    buffered_.append(buf, static_cast<std::size_t>(got));
  }
  std::string out = buffered_.substr(0, std::min(n, buffered_.size()));
  buffered_.erase(0, out.size());
  return out;
}

std::string TlsTestClient::read_line() {
  while (buffered_.find('\n') == std::string::npos) {
    char buf[4096];
    const int got = SSL_read(as_ssl(ssl_), buf, sizeof buf);
    if (got <= 0) {
      break;
    }
    buffered_.append(buf, static_cast<std::size_t>(got));
  }
  const std::size_t nl = buffered_.find('\n');
  const std::size_t take = nl == std::string::npos ? buffered_.size() : nl + 1;
  std::string out = buffered_.substr(0, take);
  buffered_.erase(0, take);
  return out;
}

std::string TlsTestClient::peer_serial() const {
  if (ssl_ == nullptr) {
    return {};
  }
  X509* cert = SSL_get1_peer_certificate(as_ssl(ssl_));
  BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  char* hex = BN_bn2hex(serial);
  std::string out(hex);
  OPENSSL_free(hex);
  BN_free(serial);
  X509_free(cert);
  return out;
}

std::string TlsTestClient::peer_subject() const {
  if (ssl_ == nullptr) {
    return {};
  }
  X509* cert = SSL_get1_peer_certificate(as_ssl(ssl_));
  char buf[256];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
  X509_free(cert);
  return buf;
}

std::array<std::uint8_t, 32> TlsTestClient::channel_binding() const {
  std::array<std::uint8_t, 32> out{};
  static constexpr char kLabel[] = "EXPORTER-Channel-Binding";
  SSL_export_keying_material(as_ssl(ssl_), out.data(), out.size(), kLabel, sizeof kLabel - 1,
                             nullptr, 0, 0);
  return out;
}

}  // namespace tsna::testing
