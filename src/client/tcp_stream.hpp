// tcp_stream.hpp - the byte stream under a connection: the Stream interface (the seam where a
// TLS stream will plug in, SPEC 5.6) and its plain TCP implementation, a blocking-style socket
// with poll() deadlines. Errors are values. Depends on nothing above POSIX sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
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

// A connected byte stream. Implementations: TcpStream now; a TLS stream over it later, which
// only has to provide these two calls (the login's channel binding will be a third).
class Stream {
 public:
  virtual ~Stream() = default;
  // Waits until `deadline` for bytes, then reads what is there (at most out.size()) into `out`,
  // setting `got` (> 0 on kOk).
  virtual IoResult read_some(std::span<char> out, Clock::time_point deadline, std::size_t& got) = 0;
  virtual IoResult write_all(std::string_view bytes, Clock::time_point deadline) = 0;
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

 private:
  int fd_ = -1;
};

// Milliseconds left until `deadline` for poll(): 0 when it has passed, capped to fit an int.
int poll_timeout(Clock::time_point deadline);

}  // namespace tsna::client
