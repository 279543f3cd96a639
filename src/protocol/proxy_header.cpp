// proxy_header.cpp - the PROXY header parser: v1's text line split into its five fields, v2's
// fixed 16-byte head then its address block; TLVs are skipped. Addresses are read with
// inet_pton/inet_ntop (the one POSIX header this layer may use, by name: they touch no socket).
#include "protocol/proxy_header.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>
#include <vector>

namespace tsna {
namespace {

constexpr std::string_view kV1Prefix = "PROXY ";
constexpr std::size_t kV2HeadBytes = 16;
constexpr std::size_t kV2Inet4Bytes = 12;  // two addresses of 4 bytes, two ports of 2
constexpr std::size_t kV2Inet6Bytes = 36;  // two addresses of 16 bytes, two ports of 2

ProxyParse error(std::string_view why) {
  ProxyParse p;
  p.status = ProxyStatus::kError;
  p.error = why;
  return p;
}

ProxyParse need_more() {
  return ProxyParse{};
}

// True when `bytes` is a prefix of `whole` (both may be as long).
bool is_prefix_of(std::string_view bytes, std::string_view whole) {
  return bytes.size() <= whole.size() && whole.substr(0, bytes.size()) == bytes;
}

std::vector<std::string_view> split_on_spaces(std::string_view s) {
  std::vector<std::string_view> fields;
  for (;;) {
    const std::size_t sp = s.find(' ');
    fields.push_back(s.substr(0, sp));
    if (sp == std::string_view::npos) {
      return fields;
    }
    s.remove_prefix(sp + 1);
  }
}

bool parse_v1_address(std::string_view text, bool v6, ProxyEndpoint& out) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) {
    return false;
  }
  const std::string z(text);  // inet_pton wants a C string
  out.v6 = v6;
  return ::inet_pton(v6 ? AF_INET6 : AF_INET, z.c_str(), out.address.data()) == 1;
}

// A decimal 0..65535 without a sign or a leading zero.
bool parse_v1_port(std::string_view text, std::uint16_t& out) {
  if (text.empty() || text.size() > 5 || (text.size() > 1 && text[0] == '0')) {
    return false;
  }
  unsigned value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) {
    return false;
  }
  out = static_cast<std::uint16_t>(value);
  return true;
}

// "PROXY TCP4|TCP6 <src> <dst> <sport> <dport>\r\n" or "PROXY UNKNOWN...\r\n".
ProxyParse parse_v1(std::string_view bytes) {
  if (bytes.size() < kV1Prefix.size()) {
    return is_prefix_of(bytes, kV1Prefix) ? need_more() : error("not a PROXY header");
  }
  if (!bytes.starts_with(kV1Prefix)) {
    return error("not a PROXY header");
  }
  const std::size_t nl = bytes.substr(0, kMaxProxyV1Bytes).find('\n');
  if (nl == std::string_view::npos) {
    return bytes.size() >= kMaxProxyV1Bytes ? error("PROXY v1 line longer than 107 bytes")
                                            : need_more();
  }
  if (bytes[nl - 1] != '\r') {
    return error("PROXY v1 line does not end in CRLF");
  }
  const std::string_view line = bytes.substr(kV1Prefix.size(), nl - 1 - kV1Prefix.size());
  const std::vector<std::string_view> fields = split_on_spaces(line);
  ProxyParse p;
  p.status = ProxyStatus::kHeader;
  p.version = 1;
  p.length = nl + 1;
  if (fields[0] == "UNKNOWN") {
    return p;  // the rest of the line is to be ignored (HAProxy's spec)
  }
  if (fields[0] != "TCP4" && fields[0] != "TCP6") {
    return error("PROXY v1 protocol is not TCP4, TCP6 or UNKNOWN");
  }
  if (fields.size() != 5) {
    return error("PROXY v1 line does not have 5 fields");
  }
  const bool v6 = fields[0] == "TCP6";
  ProxyEndpoint source;
  ProxyEndpoint destination;
  if (!parse_v1_address(fields[1], v6, source) || !parse_v1_address(fields[2], v6, destination)) {
    return error("PROXY v1 address is invalid");
  }
  if (!parse_v1_port(fields[3], source.port) || !parse_v1_port(fields[4], destination.port)) {
    return error("PROXY v1 port is invalid");
  }
  p.source = source;
  p.destination = destination;
  return p;
}

std::uint8_t byte_at(std::string_view bytes, std::size_t i) {
  return static_cast<std::uint8_t>(bytes[i]);
}

std::uint16_t u16_at(std::string_view bytes, std::size_t i) {
  return static_cast<std::uint16_t>(byte_at(bytes, i) << 8 | byte_at(bytes, i + 1));
}

ProxyEndpoint v2_endpoint(std::string_view block, bool v6, std::size_t address_at,
                          std::size_t port_at) {
  ProxyEndpoint e;
  e.v6 = v6;
  std::memcpy(e.address.data(), block.data() + address_at, v6 ? 16 : 4);
  e.port = u16_at(block, port_at);
  return e;
}

// The 12-byte signature, version/command, family/transport, a 2-byte length, then that many
// bytes: the addresses (for PROXY over TCP) and TLVs, which are skipped.
ProxyParse parse_v2(std::string_view bytes, std::size_t max_bytes) {
  if (!is_prefix_of(bytes.substr(0, kProxyV2Signature.size()), kProxyV2Signature)) {
    return error("not a PROXY header");
  }
  if (bytes.size() > 12 && (byte_at(bytes, 12) >> 4) != 2) {
    return error("PROXY v2 version is not 2");
  }
  const int command = bytes.size() > 12 ? byte_at(bytes, 12) & 0x0F : 0;
  if (command > 1) {
    return error("PROXY v2 command is neither LOCAL nor PROXY");
  }
  const int family = bytes.size() > 13 ? byte_at(bytes, 13) >> 4 : 0;
  const int transport = bytes.size() > 13 ? byte_at(bytes, 13) & 0x0F : 0;
  if (family > 3 || transport > 2) {
    return error("PROXY v2 address family or transport is unknown");
  }
  if (bytes.size() < kV2HeadBytes) {
    return need_more();
  }
  const std::size_t length = kV2HeadBytes + u16_at(bytes, 14);
  if (length > max_bytes) {
    return error("PROXY v2 header longer than the limit");
  }
  if (bytes.size() < length) {
    return need_more();
  }
  ProxyParse p;
  p.status = ProxyStatus::kHeader;
  p.version = 2;
  p.length = length;
  if (command == 0 || family == 0) {
    return p;  // LOCAL, or an unspecified family: the connection's own addresses apply
  }
  if ((family != 1 && family != 2) || transport != 1) {
    return error("PROXY v2 address family is not TCP over IPv4 or IPv6");
  }
  const bool v6 = family == 2;
  const std::string_view block = bytes.substr(kV2HeadBytes, length - kV2HeadBytes);
  if (block.size() < (v6 ? kV2Inet6Bytes : kV2Inet4Bytes)) {
    return error("PROXY v2 address block is too short");
  }
  const std::size_t a = v6 ? 16 : 4;
  p.source = v2_endpoint(block, v6, 0, 2 * a);
  p.destination = v2_endpoint(block, v6, a, 2 * a + 2);
  return p;
}

}  // namespace

std::string ProxyEndpoint::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(v6 ? AF_INET6 : AF_INET, address.data(), text, sizeof text);
  std::string s = v6 ? "[" + std::string(text) + "]" : std::string(text);
  return s + ":" + std::to_string(port);
}

ProxyParse parse_proxy_header(std::string_view bytes, std::size_t max_bytes) {
  if (bytes.empty()) {
    return need_more();
  }
  if (bytes.size() > max_bytes) {
    bytes = bytes.substr(0, max_bytes);
  }
  return bytes[0] == '\r' ? parse_v2(bytes, max_bytes) : parse_v1(bytes);
}

}  // namespace tsna
