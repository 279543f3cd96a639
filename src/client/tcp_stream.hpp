// tcp_stream.hpp - the byte stream under a connection: the Stream interface (TLS plugs in here,
// SPEC 5.6) and its plain TCP implementation, a blocking-style socket
// with poll() deadlines. Errors are values. Depends on nothing above POSIX sockets.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tsna::client {

using Clock = std::chrono::steady_clock;

enum class IoStatus {
  kOk,
  kClosed,       // the peer closed the connection (EOF): the session ends
  kReset,        // the peer reset it (ECONNRESET, EPIPE): the session ends
  kTimeout,      // nothing came before the deadline: the session ends
  kInterrupted,  // a stop signal (Ctrl-C) arrived: the program ends
  kError,        // any other socket error, `detail` says which: the session ends
  kProtocol,     // the peer sent what no TSNA server sends, `detail` says what: the session ends
};

struct IoResult {
  IoStatus status = IoStatus::kOk;
  std::string detail;  // for kError and kProtocol; never holds a secret

  bool ok() const { return status == IoStatus::kOk; }
};

// A connected byte stream: TcpStream, or TlsStream over one (client/tls_stream.hpp).
class Stream {
 public:
  virtual ~Stream() = default;
  // Waits until `deadline` for bytes, then reads what is there (at most out.size()) into `out`,
  // setting `got` (> 0 on kOk).
  virtual IoResult read_some(std::span<char> out, Clock::time_point deadline, std::size_t& got) = 0;
  virtual IoResult write_all(std::string_view bytes, Clock::time_point deadline) = 0;
  // Under TLS: the RFC 9266 tls-exporter value a TSNA/2 login binds to (SPEC 1.2).
  virtual std::optional<std::array<std::uint8_t, 32>> channel_binding() const {
    return std::nullopt;
  }
};

class TcpStream final : public Stream {
 public:
  // Connects to ipv4 (network byte order):port, giving up at `deadline`. On failure returns
  // nullptr and sets `error` (kError with the reason, kTimeout or kInterrupted).
  static std::unique_ptr<TcpStream> connect(std::uint32_t ipv4, std::uint16_t port,
                                            Clock::time_point deadline, IoResult& error);
  // Takes ownership of a connected socket (tests use one end of a socketpair).
  explicit TcpStream(int fd);
  ~TcpStream() override;
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;

  IoResult read_some(std::span<char> out, Clock::time_point deadline, std::size_t& got) override;
  IoResult write_all(std::string_view bytes, Clock::time_point deadline) override;
  int native_handle() const { return fd_; }

 private:
  int fd_ = -1;
};

// Milliseconds left until `deadline` for poll(): 0 when it has passed, capped to fit an int.
int poll_timeout(Clock::time_point deadline);

// Waits for poll `events` on fd until `deadline` (a stop signal interrupts); kOk when ready.
IoResult wait_for(int fd, short events, Clock::time_point deadline);

// kReset for ECONNRESET/EPIPE, else kError with strerror's text.
IoResult error_from_errno(int err);

}  // namespace tsna::client
