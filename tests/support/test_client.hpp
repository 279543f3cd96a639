// test_client.hpp - a blocking TCP client with timeouts for integration tests: send bytes,
// read what arrives, read TSNA/2 replies, and tell whether the server closed the connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tsna::testing {

class TestClient {
 public:
  // Connects to 127.0.0.1:port, from `source_ip` (a loopback address such as 127.0.0.2) when
  // given; throws std::runtime_error on failure.
  explicit TestClient(std::uint16_t port, const std::string& source_ip = {});
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  void send(std::string_view bytes);
  // Reads exactly n bytes (fewer if the peer closes or the timeout passes).
  std::string read_exact(std::size_t n,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads whatever arrives until `quiet` passes with nothing new (or `timeout` in all).
  std::string read_available(std::chrono::milliseconds quiet = std::chrono::milliseconds(100),
                             std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Up to and including the next '\n' (what arrived, if the peer closed or time ran out).
  std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return read_until("\n", timeout);
  }
  // Reads one TSNA/2 reply: lines until one whose 4th byte is ':' (FTP-style multi-line).
  std::string read_reply(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads until the text ends with `suffix`.
  std::string read_until(std::string_view suffix,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when the server closed the connection (EOF or reset) within `timeout`.
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Closes with a reset (SO_LINGER 0) instead of a FIN.
  void abort();

  // Greeting + "hello TSNA/2" upgrade; throws if the replies differ from the spec.
  void upgrade();
  // TSNA/2 register, and the SCRAM-SHA-256 login (-PLUS when a channel binding is given) with
  // GNU SASL's client; return the final reply line ("200:login is successful\n" once the
  // server's signature checked out, else the server's refusal).
  std::string tsna2_register(std::string_view user, std::string_view hash);
  std::string tsna2_login(std::string_view user, std::string_view hash,
                          std::span<const std::uint8_t> binding = {});

  int fd() const { return fd_; }

 private:
  enum class Fill { kData, kTimeout, kClosed };
  // Waits up to wait_ms for bytes and appends one recv() to buffered_.
  Fill fill(int wait_ms);

  int fd_ = -1;
  std::string buffered_;
};

// A port on 127.0.0.1 that nothing listens on (bound once, then closed).
std::uint16_t unused_port();

}  // namespace tsna::testing
