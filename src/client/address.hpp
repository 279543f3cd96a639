// address.hpp - parses and validates the "IP:port" a user types, in the seed's order and with
// its messages (SPEC 5.1 step 2). Pure: no sockets, no DNS (only `localhost` is a name).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tsna::client {

struct Address {
  std::string host;        // as typed: "127.0.0.1", "localhost", "127.1"
  std::uint32_t ipv4 = 0;  // what inet_aton made of it, network byte order
  std::uint16_t port = 0;

  // "<host>:<port>", the session prompt without its final ':' (SPEC 5.1 step 3).
  std::string display() const;
};

// The message the seed printed for a refused input, without the "Please try again" after it.
struct AddressError {
  std::string message;
};

// Checks, in this order, each failure ending the checks:
//   1. exactly one ':' and a port of ASCII digits with an optional sign, else
//      "Invalid IP and port format. Please use ip:port with ipv4 form:  <input>";
//   2. the port within 1-65535, else "Invalid IP Port:  <port as an integer>";
//   3. `localhost` or a host inet_aton accepts (no whitespace), else "Invalid IP";
//   4. not 0.0.0.0 in any spelling inet_aton reads as it ("0", "0.0"), else the seed's
//      "Invalid IP for 0.0.0.0, it represent all network interfaces."
// Spaces and tabs around the whole input are ignored.
std::variant<Address, AddressError> parse_address(std::string_view input);

// `tsna HOST PORT`: the same checks on "HOST:PORT".
std::variant<Address, AddressError> parse_address(std::string_view host, std::string_view port);

// Under --tls only: a certificate names a host, so "HOST:PORT" may name it by its DNS name.
// Splits "host:port" without the seed's IP rules (port 1-65535), or nullopt.
std::optional<Address> split_host_port(std::string_view input);
// Resolves `address.host` (a DNS name) to an IPv4 address with getaddrinfo.
std::variant<Address, AddressError> resolve_named_address(const Address& address);

}  // namespace tsna::client
