// proxy_intake.cpp - MSG_PEEK until the header parser has a verdict, then one recv() of exactly
// the header's length; the rate-limited refusal log.
#include "server/proxy_intake.hpp"

#include <sys/socket.h>

#include <asio/ip/tcp.hpp>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "protocol/proxy_header.hpp"
#include "server/connection.hpp"

namespace tsna {
namespace {

// The header's source as format_peer() writes a socket's peer, so that throttling and the audit
// log see one form whichever way the address came.
std::string peer_text(const ProxyEndpoint& e) {
  asio::ip::address a;
  if (e.v6) {
    asio::ip::address_v6::bytes_type b;
    std::memcpy(b.data(), e.address.data(), b.size());
    a = asio::ip::address_v6(b);
  } else {
    asio::ip::address_v4::bytes_type b;
    std::memcpy(b.data(), e.address.data(), b.size());
    a = asio::ip::address_v4(b);
  }
  return format_peer(asio::ip::tcp::endpoint(a, e.port));
}

ProxyIntake refused(std::string_view why) {
  return ProxyIntake{ProxyIntake::Status::kRefused, std::nullopt, why};
}

}  // namespace

ProxyIntake take_proxy_header(int fd, bool peer_closed) {
  char buf[kMaxProxyHeaderBytes];
  ssize_t n;
  do {
    n = ::recv(fd, buf, sizeof buf, MSG_PEEK);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    return peer_closed ? refused("the peer closed inside a PROXY header") : ProxyIntake{};
  }
  if (n == 0 || (n < 0 && errno == ECONNRESET)) {
    return refused("");  // closed without a byte: a balancer's health check giving up
  }
  if (n < 0) {
    return refused("the connection failed before its PROXY header");
  }
  const ProxyParse p = parse_proxy_header(std::string_view(buf, static_cast<std::size_t>(n)));
  if (p.status == ProxyStatus::kError) {
    return refused(p.error);
  }
  if (p.status == ProxyStatus::kNeedMore) {
    return peer_closed ? refused("the peer closed inside a PROXY header") : ProxyIntake{};
  }
  // The header's bytes are in the socket already (they were peeked): this takes exactly them.
  std::size_t taken = 0;
  while (taken < p.length) {
    const ssize_t got = ::recv(fd, buf + taken, p.length - taken, 0);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      return refused("the connection failed inside its PROXY header");
    }
    taken += static_cast<std::size_t>(got);
  }
  ProxyIntake done;
  done.status = ProxyIntake::Status::kDone;
  if (p.source) {
    done.peer = peer_text(*p.source);
  }
  return done;
}

void log_proxy_refusal(std::string_view socket_peer, std::string_view why) {
  using Clock = std::chrono::steady_clock;
  static std::atomic<Clock::rep> last_line{Clock::duration::min().count()};
  static std::atomic<unsigned> left_out{0};
  const Clock::rep now = Clock::now().time_since_epoch().count();
  Clock::rep last = last_line.load(std::memory_order_relaxed);
  const Clock::rep second =
      std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(1)).count();
  if ((last != Clock::duration::min().count() && now - last < second) ||
      !last_line.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
    left_out.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const unsigned skipped = left_out.exchange(0, std::memory_order_relaxed);
  std::string line = "tsna-server: closed a connection from ";
  line.append(socket_peer)
      .append(", which --proxy-protocol-from says must start with a PROXY header: ")
      .append(why);
  if (skipped > 0) {
    line += " (and " + std::to_string(skipped) + " more since the last such line, not logged)";
  }
  line.push_back('\n');
  std::fputs(line.c_str(), stderr);
}

}  // namespace tsna
