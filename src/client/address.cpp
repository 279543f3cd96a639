// address.cpp - the seed's host and port checks, with inet_aton as the IPv4 parser (as the
// seed's socket.inet_aton was). Pure: no sockets are opened.
#include "client/address.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>

#include "client/messages.hpp"
#include "common/words.hpp"

namespace tsna::client {
namespace {

constexpr std::uint32_t kMaxPort = 65535;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The port as Python's int() printed it: sign kept only when negative and non-zero, leading
// zeros dropped. Empty when `text` is not an optionally signed run of ASCII digits.
std::string normalized_integer(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || !std::all_of(text.begin(), text.end(), is_digit)) {
    return {};
  }
  while (text.size() > 1 && text.front() == '0') {
    text.remove_prefix(1);
  }
  if (text == "0") {
    negative = false;
  }
  return (negative ? "-" : "") + std::string(text);
}

}  // namespace

std::string Address::display() const {
  return host + ":" + std::to_string(port);
}

std::variant<Address, AddressError> parse_address(std::string_view input) {
  input = trim_blanks(input);
  const auto format_error = [&] {
    return AddressError{std::string(msg::kBadFormat) + std::string(input)};
  };
  const std::size_t colon = input.find(':');
  if (colon == std::string_view::npos || input.find(':', colon + 1) != std::string_view::npos) {
    return format_error();
  }
  const std::string_view host = input.substr(0, colon);
  const std::string port = normalized_integer(input.substr(colon + 1));
  if (port.empty()) {
    return format_error();
  }
  // Six or more digits are out of range whatever they are; fewer fit in an unsigned long.
  if (port.front() == '-' || port.size() > 5 || std::stoul(port) < 1 ||
      std::stoul(port) > kMaxPort) {
    return AddressError{std::string(msg::kBadPort) + port};
  }
  Address address;
  address.host = std::string(host);
  address.port = static_cast<std::uint16_t>(std::stoul(port));
  if (host == "localhost") {
    address.ipv4 = htonl(INADDR_LOOPBACK);
    return address;
  }
  // glibc's inet_aton stops at whitespace (and C strings at NUL) and accepts what came before;
  // we do not.
  in_addr parsed{};
  constexpr std::string_view kStop(" \t\r\n\v\f\0", 7);
  if (host.find_first_of(kStop) != std::string_view::npos ||
      inet_aton(address.host.c_str(), &parsed) == 0) {
    return AddressError{std::string(msg::kBadIp)};
  }
  if (parsed.s_addr == htonl(INADDR_ANY)) {
    return AddressError{std::string(msg::kAnyAddress)};
  }
  address.ipv4 = parsed.s_addr;
  return address;
}

std::variant<Address, AddressError> parse_address(std::string_view host, std::string_view port) {
  std::string joined(host);
  joined += ':';
  joined += port;
  return parse_address(joined);
}

std::variant<Address, AddressError> resolve_named_address(const Address& refused_as_ip) {
  const std::string& host = refused_as_ip.host;
  const bool name_syntax =
      !host.empty() && host.size() <= 253 &&
      host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
          std::string::npos &&
      host.front() != '-' && host.front() != '.';
  if (!name_syntax) {
    return AddressError{std::string(msg::kBadIp)};
  }
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
    return AddressError{"Cannot resolve " + host};
  }
  Address address = refused_as_ip;
  address.ipv4 = reinterpret_cast<const sockaddr_in*>(found->ai_addr)->sin_addr.s_addr;
  freeaddrinfo(found);
  return address;
}

std::optional<Address> split_host_port(std::string_view input) {
  const std::size_t colon = input.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return std::nullopt;
  }
  const std::string_view port = input.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return std::nullopt;
  }
  Address a;
  a.host = std::string(input.substr(0, colon));
  a.port = static_cast<std::uint16_t>(value);
  return a;
}

}  // namespace tsna::client
