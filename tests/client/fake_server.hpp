// fake_server.hpp - a scripted one-connection TCP server on 127.0.0.1 for the cases a real
// tsna-server does not produce on demand: silence, a sudden close, the seed's classic server,
// a SCRAM login against a chosen verifier (auth::ScramServer) or an impostor's. Test support.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "auth/scram_verifier.hpp"

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

// How serve_scram_login answers.
enum class ScramAnswer {
  kHonest,        // as tsna-server does: a real auth::ScramServer holding the verifier
  kClaimSuccess,  // an impostor: the challenge of that ScramServer, then "200:login is
                  // successful" whatever the proof, with no server-final
};

// One TSNA/2 login as SPEC 1.2 has it, served by auth::ScramServer (SCRAM-SHA-256) holding
// `verifier`: reads `auth SCRAM-SHA-256 <client-first>`, sends `300:<server-first>`, reads
// client-final, then sends `200-<server-final>` and `200:login is successful` for a right
// proof, `400:Authentication Failed!` otherwise (see ScramAnswer). Returns the request line
// (without its '\n') that opened the login, for the test to check.
std::string serve_scram_login(FakePeer& peer, const auth::ScramVerifier& verifier,
                              ScramAnswer answer = ScramAnswer::kHonest);

}  // namespace tsna::testing
