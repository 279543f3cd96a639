// tls_stream.hpp - TLS over a connected TcpStream (SPEC 5.6): TLS 1.2 or later, the server's
// chain verified against the system store or --ca FILE, and its host name or IP address checked.
// Also gives the RFC 9266 tls-exporter channel binding that TSNA/2 logins (SCRAM-SHA-256-PLUS) use.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "client/tcp_stream.hpp"

namespace tsna::client {

class TlsStream final : public Stream {
 public:
  // Handshakes over `tcp` until `deadline`, verifying the certificate for `host` (a DNS name or
  // an IPv4 address). `ca_file` empty: the system's trust store. On failure returns nullptr and
  // sets `error` (kError with why: "certificate verify failed: hostname mismatch", ...).
  static std::unique_ptr<TlsStream> handshake(std::unique_ptr<TcpStream> tcp,
                                              const std::string& host,
                                              const std::optional<std::filesystem::path>& ca_file,
                                              Clock::time_point deadline, IoResult& error);
  ~TlsStream() override;
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  IoResult read_some(std::span<char> out, Clock::time_point deadline, std::size_t& got) override;
  IoResult write_all(std::string_view bytes, Clock::time_point deadline) override;
  std::optional<std::array<std::uint8_t, 32>> channel_binding() const override;

 private:
  struct Impl;
  explicit TlsStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tsna::client
