// fake_server.cpp - one accept() with a time limit, then the script, on a thread; and a SCRAM
// login served by GNU SASL through auth::ScramServer.
#include "fake_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "auth/scram_server.hpp"

namespace tsna::testing {
namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

void FakePeer::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      return;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string FakePeer::read_until(std::string_view suffix, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    const std::size_t at = buffered_.find(suffix);
    if (at != std::string::npos) {
      std::string out = buffered_.substr(0, at + suffix.size());
      buffered_.erase(0, at + suffix.size());
      return out;
    }
    pollfd p{fd_, POLLIN, 0};
    char buf[4096];
    if (poll(&p, 1, ms_left(deadline)) <= 0) {
      break;
    }
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      break;
    }
    buffered_.append(buf, static_cast<std::size_t>(n));
  }
  std::string out;
  out.swap(buffered_);
  return out;
}

std::string FakePeer::read_exact(std::size_t n, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (buffered_.size() < n) {
    pollfd p{fd_, POLLIN, 0};
    char buf[4096];
    if (poll(&p, 1, ms_left(deadline)) <= 0) {
      break;
    }
    const ssize_t got = recv(fd_, buf, sizeof buf, 0);
    if (got <= 0) {
      break;
    }
    buffered_.append(buf, static_cast<std::size_t>(got));
  }
  std::string out = buffered_.substr(0, std::min(n, buffered_.size()));
  buffered_.erase(0, out.size());
  return out;
}

void FakePeer::wait_for_close(std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    char buf[4096];
    if (poll(&p, 1, ms_left(deadline)) <= 0 || recv(fd_, buf, sizeof buf, 0) <= 0) {
      return;
    }
  }
}

FakeServer::FakeServer(std::function<void(FakePeer&)> script) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 4) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("fake server: cannot listen");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this, script = std::move(script)] {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 20000) <= 0) {
      return;
    }
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      return;
    }
    FakePeer peer(fd);
    script(peer);
    close(fd);
  });
}

FakeServer::~FakeServer() {
  // Wakes a thread still waiting to accept (a test that failed before its client connected).
  shutdown(listen_fd_, SHUT_RDWR);
  if (thread_.joinable()) {
    thread_.join();
  }
  close(listen_fd_);
}

void accept_tsna2(FakePeer& peer) {
  peer.send("success");
  peer.read_until("\n");
  peer.send("200:TSNA/2\n");
}

namespace {

std::string without_line_end(std::string line) {
  if (!line.empty() && line.back() == '\n') {
    line.pop_back();
  }
  return line;
}

}  // namespace

std::string serve_scram_login(FakePeer& peer, const auth::ScramVerifier& verifier,
                              ScramAnswer answer) {
  const std::string request = without_line_end(peer.read_until("\n"));
  constexpr std::string_view kPrefix = "auth SCRAM-SHA-256 ";
  if (!request.starts_with(kPrefix)) {
    peer.send("400:Invalid command\n");
    return request;
  }
  auth::ScramServer server(auth::ScramMechanism::kSha256, verifier);
  std::string server_first;
  if (server.step(std::string_view(request).substr(kPrefix.size()), server_first) !=
      auth::ScramStep::kContinue) {
    peer.send("400:Authentication Failed!\n");
    return request;
  }
  peer.send("300:" + server_first + "\n");
  const std::string client_final = without_line_end(peer.read_until("\n"));
  std::string server_final;
  const auth::ScramStep step = server.step(client_final, server_final);
  if (answer == ScramAnswer::kClaimSuccess) {
    peer.send("200:login is successful\n");
  } else if (step == auth::ScramStep::kDone) {
    peer.send("200-" + server_final + "\n200:login is successful\n");
  } else {
    peer.send("400:Authentication Failed!\n");
  }
  return request;
}

}  // namespace tsna::testing
