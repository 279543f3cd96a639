// tls_stream.cpp - OpenSSL client over a non-blocking socket: every wait is a poll() bounded by
// the caller's deadline, so a server that stops answering mid-handshake times out.
#include "client/tls_stream.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include "client/key_log.hpp"

namespace tsna::client {
namespace {

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  if (e == 0) {
    return "TLS handshake failed";
  }
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

}  // namespace

struct TlsStream::Impl {
  std::unique_ptr<TcpStream> tcp;
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;

  ~Impl() {
    if (ssl != nullptr) {
      SSL_shutdown(ssl);  // best effort close_notify; never waits
      SSL_free(ssl);
    }
    if (ctx != nullptr) {
      SSL_CTX_free(ctx);
    }
  }

  // Waits as OpenSSL asks after a call returned `ret`; kOk to retry the call.
  IoResult wait(int ret, Clock::time_point deadline) {
    switch (SSL_get_error(ssl, ret)) {
      case SSL_ERROR_WANT_READ:
        return wait_for(tcp->native_handle(), POLLIN, deadline);
      case SSL_ERROR_WANT_WRITE:
        return wait_for(tcp->native_handle(), POLLOUT, deadline);
      case SSL_ERROR_ZERO_RETURN:
        return IoResult{IoStatus::kClosed, {}};
      case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        return errno == 0 ? IoResult{IoStatus::kClosed, {}} : error_from_errno(errno);
      default: {
        const unsigned long e = ERR_peek_error();
        if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
          ERR_clear_error();
          return IoResult{IoStatus::kClosed, {}};
        }
        return IoResult{IoStatus::kError, openssl_error()};
      }
    }
  }
};

TlsStream::TlsStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsStream::~TlsStream() = default;

std::unique_ptr<TlsStream> TlsStream::handshake(std::unique_ptr<TcpStream> tcp,
                                                const std::string& host,
                                                const std::optional<std::filesystem::path>& ca_file,
                                                Clock::time_point deadline, IoResult& error) {
  auto impl = std::make_unique<Impl>();
  impl->tcp = std::move(tcp);
  impl->ctx = SSL_CTX_new(TLS_client_method());
  if (impl->ctx == nullptr) {
    error = IoResult{IoStatus::kError, openssl_error()};
    return nullptr;
  }
  SSL_CTX_set_min_proto_version(impl->ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(impl->ctx, SSL_VERIFY_PEER, nullptr);
  enable_key_log(impl->ctx);
  const int loaded = ca_file ? SSL_CTX_load_verify_locations(impl->ctx, ca_file->c_str(), nullptr)
                             : SSL_CTX_set_default_verify_paths(impl->ctx);
  if (loaded != 1) {
    error = IoResult{IoStatus::kError,
                     ca_file ? "cannot load CA file " + ca_file->string() : openssl_error()};
    return nullptr;
  }
  impl->ssl = SSL_new(impl->ctx);
  in_addr ip{};
  if (inet_pton(AF_INET, host.c_str(), &ip) == 1) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(impl->ssl), host.c_str());
  } else {
    SSL_set1_host(impl->ssl, host.c_str());
    SSL_set_tlsext_host_name(impl->ssl, host.c_str());
  }
  SSL_set_fd(impl->ssl, impl->tcp->native_handle());
  for (;;) {
    const int ret = SSL_connect(impl->ssl);
    if (ret == 1) {
      break;
    }
    const long verify = SSL_get_verify_result(impl->ssl);
    if (verify != X509_V_OK) {
      error = IoResult{IoStatus::kError, std::string("certificate verify failed: ") +
                                             X509_verify_cert_error_string(verify)};
      return nullptr;
    }
    if (IoResult r = impl->wait(ret, deadline); !r.ok()) {
      error = r.status == IoStatus::kClosed
                  ? IoResult{IoStatus::kError,
                             "the server closed the connection during the TLS "
                             "handshake (is it a TLS port?)"}
                  : r;
      return nullptr;
    }
  }
  error = IoResult{};
  return std::unique_ptr<TlsStream>(new TlsStream(std::move(impl)));
}

IoResult TlsStream::read_some(std::span<char> out, Clock::time_point deadline, std::size_t& got) {
  got = 0;
  for (;;) {
    const int n = SSL_read(impl_->ssl, out.data(), static_cast<int>(out.size()));
    if (n > 0) {
      got = static_cast<std::size_t>(n);
      return IoResult{};
    }
    if (IoResult r = impl_->wait(n, deadline); !r.ok()) {
      return r;
    }
  }
}

IoResult TlsStream::write_all(std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    const int n = SSL_write(impl_->ssl, bytes.data(), static_cast<int>(bytes.size()));
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (IoResult r = impl_->wait(n, deadline); !r.ok()) {
      return r;
    }
  }
  return IoResult{};
}

std::optional<std::array<std::uint8_t, 32>> TlsStream::channel_binding() const {
  static constexpr char kLabel[] = "EXPORTER-Channel-Binding";
  std::array<std::uint8_t, 32> out{};
  if (SSL_export_keying_material(impl_->ssl, out.data(), out.size(), kLabel, sizeof kLabel - 1,
                                 nullptr, 0, 0) != 1) {
    return std::nullopt;
  }
  return out;
}

}  // namespace tsna::client
