// fake_server.hpp - a scripted one-connection TCP server on 127.0.0.1 for the cases a real
// tsna-server does not produce on demand: silence, a sudden close, the seed's classic server.
// Test support only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace tsna::testing {

// The accepted connection, as the script sees it. Every wait is bounded.
class FakePeer {
 public:
  explicit FakePeer(int fd) : fd_(fd) {}
  void send(std::string_view bytes);
  // Reads until `suffix` has arrived (or the limit passes); returns what was read.
  std::string read_until(std::string_view suffix,
                         std::chrono::milliseconds limit = std::chrono::seconds(5));
  // Reads exactly n bytes (fewer if the peer closes or the limit passes).
  std::string read_exact(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds(5));
  // Waits until the client closes the connection (or the limit passes).
  void wait_for_close(std::chrono::milliseconds limit = std::chrono::seconds(10));
  int fd() const { return fd_; }

 private:
  int fd_;
  std::string buffered_;
};

class FakeServer {
 public:
  // Accepts one connection and runs `script` on it in a thread; the connection is closed when
  // the script returns.
  explicit FakeServer(std::function<void(FakePeer&)> script);
  ~FakeServer();  // waits for the script (every wait in it is bounded)
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  std::uint16_t port() const { return port_; }

 private:
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// The TSNA/2 opening of a real server: greeting, then the upgrade.
void accept_tsna2(FakePeer& peer);

}  // namespace tsna::testing
