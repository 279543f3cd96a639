// cidr.hpp - address ranges in CIDR notation (IPv4 and IPv6), as --proxy-protocol-from lists
// them: which peers are trusted to send a PROXY header. Plain data and inet_pton; no sockets.
#pragma once

#include <array>
#include <asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tsna {

struct Cidr {
  bool v6 = false;
  std::array<std::uint8_t, 16> network{};  // 4 bytes (IPv4) or 16, host bits cleared
  unsigned prefix = 0;                     // leading bits that must match: 0..32 or 0..128
};

// "ADDRESS/BITS" (IPv4 or IPv6), or a bare address (all its bits). Host bits after BITS are
// allowed and ignored ("10.1.2.3/8" is 10.0.0.0/8). nullopt when `text` is not one.
std::optional<Cidr> parse_cidr(std::string_view text);

class CidrList {
 public:
  CidrList() = default;
  // Parses each item with parse_cidr(); throws std::runtime_error naming the first that is
  // not a CIDR.
  explicit CidrList(const std::vector<std::string>& items);

  // True when `address` is in one of the ranges. An IPv4-mapped IPv6 address (a dual-stack
  // socket's view of an IPv4 peer) counts as the IPv4 address it maps.
  bool contains(const asio::ip::address& address) const;
  bool empty() const { return ranges_.empty(); }

 private:
  std::vector<Cidr> ranges_;
};

}  // namespace tsna
