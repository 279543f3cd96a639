// peer_client.cpp - source-address binding and poll()-bounded reads for PeerClient.
// Test support only: depends on the auth library for the TSNA/2 MAC.
#include "peer_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <random>
#include <stdexcept>

#include "auth/hex.hpp"
#include "auth/ntlm.hpp"

namespace tsna::testing {
namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

std::string loopback_address(unsigned block, unsigned index) {
  return "127." + std::to_string(block % 256) + "." + std::to_string((index / 250) % 256) + "." +
         std::to_string(1 + index % 250);
}

std::string tsna2_answer(std::string_view challenge_line, std::string_view user,
                         std::string_view hash) {
  std::array<std::uint8_t, 16> challenge{};
  if (challenge_line.size() < 36 || !auth::from_hex(challenge_line.substr(4, 32), challenge)) {
    throw std::runtime_error("not a challenge: " + std::string(challenge_line));
  }
  thread_local std::mt19937 rng(std::random_device{}());
  std::array<std::uint8_t, 16> nonce{};
  for (std::uint8_t& b : nonce) {
    b = static_cast<std::uint8_t>(rng());
  }
  const auth::Digest mac = auth::tsna2_mac(hash, challenge, nonce, user);
  return auth::to_hex(nonce) + " " + auth::to_hex(mac) + "\n";
}

PeerClient::PeerClient(std::uint16_t port, const std::string& source) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    throw std::runtime_error("socket failed");
  }
  sockaddr_in local{};
  local.sin_family = AF_INET;
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(port);
  remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1 ||
      bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      connect(fd_, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    close(fd_);
    fd_ = -1;
    throw std::runtime_error("cannot connect from " + source);
  }
}

PeerClient::~PeerClient() {
  if (fd_ >= 0) {
    close(fd_);
  }
}

void PeerClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      throw std::runtime_error("send failed");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

bool PeerClient::fill(Ms timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
    return false;
  }
  char buf[16384];
  const ssize_t got = recv(fd_, buf, sizeof buf, 0);
  if (got <= 0) {
    return false;
  }
  buffered_.append(buf, static_cast<std::size_t>(got));
  return true;
}

std::string PeerClient::read_line(Ms timeout) {
  const auto deadline = Clock::now() + timeout;
  std::size_t end = buffered_.find('\n');
  while (end == std::string::npos && fill(Ms(ms_left(deadline)))) {
    end = buffered_.find('\n');
  }
  const std::size_t take = end == std::string::npos ? buffered_.size() : end + 1;
  std::string out = buffered_.substr(0, take);
  buffered_.erase(0, take);
  return out;
}

std::string PeerClient::read_reply(Ms timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string reply;
  for (;;) {
    const std::string line = read_line(Ms(ms_left(deadline)));
    reply += line;
    if (line.empty() || line.back() != '\n' || (line.size() >= 4 && line[3] == ':')) {
      return reply;
    }
  }
}

std::string PeerClient::read_exact(std::size_t n, Ms timeout) {
  const auto deadline = Clock::now() + timeout;
  while (buffered_.size() < n && fill(Ms(ms_left(deadline)))) {
  }
  const std::size_t take = std::min(n, buffered_.size());
  std::string out = buffered_.substr(0, take);
  buffered_.erase(0, take);
  return out;
}

bool PeerClient::closed_by_peer(Ms timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, ms_left(deadline)) <= 0) {
      return false;
    }
    char buf[16384];
    const ssize_t got = recv(fd_, buf, sizeof buf, 0);
    if (got <= 0) {
      return true;
    }
    buffered_.append(buf, static_cast<std::size_t>(got));
  }
}

void PeerClient::abort() {
  const linger hard{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  close(fd_);
  fd_ = -1;
}

void PeerClient::upgrade() {
  if (read_exact(7) != "success") {
    throw std::runtime_error("no greeting");
  }
  send("hello TSNA/2\n");
  if (read_line() != "200:TSNA/2\n") {
    throw std::runtime_error("no upgrade");
  }
}

std::string PeerClient::login(std::string_view user, std::string_view hash) {
  send("login " + std::string(user) + "\n");
  const std::string challenge = read_line();
  if (challenge.size() != 37 || challenge.rfind("300:", 0) != 0) {
    return challenge;
  }
  send(tsna2_answer(challenge, user, hash));
  return read_line();
}

}  // namespace tsna::testing
