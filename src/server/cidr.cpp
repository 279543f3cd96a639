// cidr.cpp - CIDR parsing (inet_pton for the address, the prefix length checked by hand) and
// matching by bytes.
#include "server/cidr.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <stdexcept>

namespace tsna {
namespace {

// Keeps the first `prefix` bits of `bytes`, clears the rest.
void clear_host_bits(std::array<std::uint8_t, 16>& bytes, std::size_t size, unsigned prefix) {
  for (std::size_t i = 0; i < size; ++i) {
    const unsigned first_bit = static_cast<unsigned>(i) * 8;
    if (prefix >= first_bit + 8) {
      continue;
    }
    const unsigned keep = prefix > first_bit ? prefix - first_bit : 0;
    bytes[i] = static_cast<std::uint8_t>(bytes[i] & (0xFF00u >> keep));
  }
}

}  // namespace

std::optional<Cidr> parse_cidr(std::string_view text) {
  const std::size_t slash = text.find('/');
  const std::string address(text.substr(0, slash));
  Cidr c;
  if (::inet_pton(AF_INET, address.c_str(), c.network.data()) == 1) {
    c.v6 = false;
  } else if (::inet_pton(AF_INET6, address.c_str(), c.network.data()) == 1) {
    c.v6 = true;
  } else {
    return std::nullopt;
  }
  const unsigned max_bits = c.v6 ? 128 : 32;
  c.prefix = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 3 || (bits.size() > 1 && bits[0] == '0')) {
      return std::nullopt;
    }
    unsigned value = 0;
    for (const char ch : bits) {
      if (ch < '0' || ch > '9') {
        return std::nullopt;
      }
      value = value * 10 + static_cast<unsigned>(ch - '0');
    }
    if (value > max_bits) {
      return std::nullopt;
    }
    c.prefix = value;
  }
  clear_host_bits(c.network, c.v6 ? 16 : 4, c.prefix);
  return c;
}

CidrList::CidrList(const std::vector<std::string>& items) {
  for (const std::string& item : items) {
    const std::optional<Cidr> c = parse_cidr(item);
    if (!c) {
      throw std::runtime_error("--proxy-protocol-from: \"" + item +
                               "\" is not a CIDR (ADDRESS/BITS, IPv4 or IPv6)");
    }
    ranges_.push_back(*c);
  }
}

bool CidrList::contains(const asio::ip::address& address) const {
  asio::ip::address a = address;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  }
  std::array<std::uint8_t, 16> bytes{};
  const bool v6 = a.is_v6();
  if (v6) {
    const auto b = a.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  } else {
    const auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  }
  for (const Cidr& c : ranges_) {
    if (c.v6 != v6) {
      continue;
    }
    std::array<std::uint8_t, 16> masked = bytes;
    clear_host_bits(masked, v6 ? 16 : 4, c.prefix);
    if (masked == c.network) {
      return true;
    }
  }
  return false;
}

}  // namespace tsna
