// proxy_header.hpp - HAProxy's PROXY protocol header, versions 1 (text) and 2 (binary), as a
// load balancer sends it before a connection's first byte. Pure: no sockets, no asio; bytes in,
// a verdict out. Only the header is read: the bytes after it belong to the stream proper.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tsna {

// The longest header accepted (v2: the 16-byte head, the addresses and TLVs). HAProxy's own
// headers are at most 16 + 36 bytes plus the TLVs an operator asks for; v1 lines are at most
// kMaxProxyV1Bytes. A peer that announces more is refused rather than buffered.
inline constexpr std::size_t kMaxProxyHeaderBytes = 512;
// A v1 line, "PROXY ... \r\n" included, is at most this long (HAProxy's spec).
inline constexpr std::size_t kMaxProxyV1Bytes = 107;
// The v2 signature: "\r\n\r\n\0\r\nQUIT\n".
inline constexpr std::string_view kProxyV2Signature{"\r\n\r\n\0\r\nQUIT\n", 12};

// An address and port from a header. `address` holds 4 bytes (IPv4) or 16 (IPv6), in network
// order.
struct ProxyEndpoint {
  bool v6 = false;
  std::array<std::uint8_t, 16> address{};
  std::uint16_t port = 0;

  // "ip:port" or "[ip6]:port".
  std::string to_string() const;
  bool operator==(const ProxyEndpoint&) const = default;
};

enum class ProxyStatus {
  kNeedMore,  // `bytes` is a proper prefix of a header that may still be valid
  kHeader,    // a whole header: `length` bytes of it, `source` what it says
  kError,     // not a valid header, or too long: `error` says why
};

struct ProxyParse {
  ProxyStatus status = ProxyStatus::kNeedMore;
  int version = 0;         // kHeader: 1 or 2
  std::size_t length = 0;  // kHeader: bytes of the header; the stream proper starts after them
  // kHeader: the client's address and port. Absent for a v2 LOCAL command (a health check of
  // the balancer's own), v1 "UNKNOWN" and v2 AF_UNSPEC: the socket's own peer applies then.
  std::optional<ProxyEndpoint> source;
  std::optional<ProxyEndpoint> destination;
  std::string_view error;  // kError: a fixed text, for the log
};

// Reads a header from the start of `bytes` (all that has arrived so far, never more than
// `max_bytes` worth looked at). Stateless: call again with the longer prefix after kNeedMore.
ProxyParse parse_proxy_header(std::string_view bytes, std::size_t max_bytes = kMaxProxyHeaderBytes);

}  // namespace tsna
