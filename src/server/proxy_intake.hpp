// proxy_intake.hpp - the PROXY header (protocol/proxy_header.hpp) read off a socket before a
// session starts, for peers listed in --proxy-protocol-from: peeked at until whole, then
// exactly its bytes taken, so the bytes after it (TLS, the client's first line) stay in the
// socket for whoever reads next. Also the one place of its time limit and its log line.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "server/cidr.hpp"

namespace tsna {

// How long a listed peer has for its header, at most (the idle timeout if shorter). A balancer
// sends it with the connection's first segment, so this is generous.
inline constexpr std::chrono::seconds kProxyHeaderTimeout{5};

struct ProxyPolicy {
  CidrList trusted;  // --proxy-protocol-from; empty: no peer sends a header
  std::chrono::steady_clock::duration timeout = kProxyHeaderTimeout;
};

struct ProxyIntake {
  enum class Status {
    kNeedMore,  // wait for the socket to become readable again
    kDone,      // the header is read off the socket
    kRefused,   // close the connection: garbage, a bad or overlong header, or the peer left
  };
  Status status = Status::kNeedMore;
  // kDone: the client's "ip:port" as the header names it; nullopt when the header says to use
  // the socket's own peer (a LOCAL health check, UNKNOWN, AF_UNSPEC).
  std::optional<std::string> peer;
  // kRefused: why, for the log; empty when the peer closed or reset before sending anything
  // (a balancer's health check that gave up), which is not worth a line.
  std::string_view why;
};

// One attempt on a non-blocking socket: peeks at what has arrived, takes the header once it is
// all there. `peer_closed` says the socket reported a hang-up (no more bytes will come).
ProxyIntake take_proxy_header(int fd, bool peer_closed);

// Logs, at most once a second for the whole server (with a count of the lines left out since),
// that the connection from `socket_peer` was closed for `why`. Thread safe.
void log_proxy_refusal(std::string_view socket_peer, std::string_view why);

}  // namespace tsna
