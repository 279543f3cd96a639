// peer_client.hpp - a blocking test client that connects to 127.0.0.1 from a chosen loopback
// source address (127.x.y.z), so one test can play many peers; TSNA/2 login helpers. Tests only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace tsna::testing {

// A distinct loopback address for peer `index` of `block`: 127.<block>.<index/250>.<1+index%250>
// (never .0 or .255), so blocks of up to 64,000 addresses do not overlap.
std::string loopback_address(unsigned block, unsigned index);

// The TSNA/2 answer line to `challenge_line` ("300:<32 hex>\n") for `user`: a random nonce and
// the MAC keyed with `hash` (the right hash or a wrong one).
std::string tsna2_answer(std::string_view challenge_line, std::string_view user,
                         std::string_view hash);

class PeerClient {
 public:
  using Ms = std::chrono::milliseconds;

  // Binds to `source` (port 0), connects to 127.0.0.1:port; throws std::runtime_error.
  PeerClient(std::uint16_t port, const std::string& source);
  ~PeerClient();
  PeerClient(const PeerClient&) = delete;
  PeerClient& operator=(const PeerClient&) = delete;

  void send(std::string_view bytes);  // throws std::runtime_error when the peer is gone
  // Up to and including the next '\n'; what arrived if the peer closed or the time ran out.
  std::string read_line(Ms timeout = Ms(5000));
  // One TSNA/2 reply: lines until one with ':' as its 4th byte.
  std::string read_reply(Ms timeout = Ms(5000));
  std::string read_exact(std::size_t n, Ms timeout = Ms(5000));
  // True when the server closed the connection (EOF or reset) within `timeout`.
  bool closed_by_peer(Ms timeout = Ms(5000));
  // Close with a reset (SO_LINGER 0) instead of a FIN.
  void abort();

  // Greeting + "hello TSNA/2"; throws std::runtime_error if either differs from the spec.
  void upgrade();
  // The whole TSNA/2 login with the MAC keyed by `hash`; returns the last reply line.
  std::string login(std::string_view user, std::string_view hash);

  int fd() const { return fd_; }

 private:
  bool fill(Ms timeout);  // one recv into buffered_; false on timeout, EOF or error
  int fd_ = -1;
  std::string buffered_;
};

}  // namespace tsna::testing
