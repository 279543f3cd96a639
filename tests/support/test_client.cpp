// test_client.cpp - blocking socket helpers with poll() timeouts; TSNA/2 login with the MAC.
#include "support/test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <stdexcept>

#include "auth/hex.hpp"
#include "auth/ntlm.hpp"
#include "support/scram_steps.hpp"

namespace tsna::testing {
namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

TestClient::TestClient(std::uint16_t port, const std::string& source_ip) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    throw std::runtime_error("socket failed");
  }
  if (!source_ip.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (inet_pton(AF_INET, source_ip.c_str(), &local.sin_addr) != 1 ||
        bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      close(fd_);
      throw std::runtime_error("cannot bind to " + source_ip);
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd_);
    throw std::runtime_error("connect failed");
  }
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void TestClient::abort() {
  const linger hard{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  close(fd_);
  fd_ = -1;
}

TestClient::~TestClient() {
  if (fd_ >= 0) {
    close(fd_);
  }
}

void TestClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      throw std::runtime_error("send failed");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

TestClient::Fill TestClient::fill(int wait_ms) {
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, wait_ms) <= 0) {
    return Fill::kTimeout;
  }
  char buf[65536];
  const ssize_t got = recv(fd_, buf, sizeof buf, 0);
  if (got <= 0) {
    return Fill::kClosed;
  }
  buffered_.append(buf, static_cast<std::size_t>(got));
  return Fill::kData;
}

std::string TestClient::read_exact(std::size_t n, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (buffered_.size() < n) {
    if (fill(ms_left(deadline)) != Fill::kData) {
      break;
    }
  }
  const std::size_t take = std::min(n, buffered_.size());
  std::string out = buffered_.substr(0, take);
  buffered_.erase(0, take);
  return out;
}

std::string TestClient::read_available(std::chrono::milliseconds quiet,
                                       std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const int wait = std::min(ms_left(deadline), static_cast<int>(quiet.count()));
    if (wait <= 0 || fill(wait) != Fill::kData) {
      break;
    }
  }
  std::string out;
  out.swap(buffered_);
  return out;
}

std::string TestClient::read_until(std::string_view suffix, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const std::size_t at = buffered_.find(suffix);
    if (at != std::string::npos) {
      std::string out = buffered_.substr(0, at + suffix.size());
      buffered_.erase(0, at + suffix.size());
      return out;
    }
    if (fill(ms_left(deadline)) != Fill::kData) {
      break;
    }
  }
  std::string out;
  out.swap(buffered_);
  return out;
}

std::string TestClient::read_reply(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string reply;
  for (;;) {
    std::string line = read_until("\n", std::chrono::milliseconds(ms_left(deadline)));
    reply += line;
    if (line.empty() || line.back() != '\n' || (line.size() >= 4 && line[3] == ':')) {
      return reply;
    }
  }
}

bool TestClient::closed_by_peer(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    switch (fill(ms_left(deadline))) {
      case Fill::kData:
        break;
      case Fill::kTimeout:
        return false;
      case Fill::kClosed:
        return true;
    }
  }
}

void TestClient::upgrade() {
  if (read_exact(7) != "success") {
    throw std::runtime_error("no greeting");
  }
  send("hello TSNA/2\n");
  if (read_reply() != "200:TSNA/2\n") {
    throw std::runtime_error("no upgrade");
  }
}

std::string TestClient::tsna2_register(std::string_view user, std::string_view hash) {
  send("register " + std::string(user) + " " + std::string(hash) + "\n");
  return read_reply();
}

std::string TestClient::tsna2_login(std::string_view user, std::string_view hash,
                                    std::span<const std::uint8_t> binding) {
  ScramSteps scram(
      user, hash,
      binding.empty() ? auth::ScramMechanism::kSha256 : auth::ScramMechanism::kSha256Plus, binding);
  send(scram.auth_line());
  const std::string first = read_reply();
  const std::string answer = scram.answer_line(first);
  if (answer.empty()) {
    return first;
  }
  send(answer);
  const std::string verdict = read_reply();
  if (verdict.starts_with("200-")) {
    if (!scram.server_proved(verdict)) {
      return "server-final did not verify: " + verdict;
    }
    return verdict.substr(verdict.find('\n') + 1);  // the seed's "200:login is successful\n"
  }
  return verdict;
}

std::uint16_t unused_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("cannot find an unused port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace tsna::testing
