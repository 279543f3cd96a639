// peer_client.cpp - loopback source addresses for many peers. Test support only.
#include "peer_client.hpp"

#include <string>

namespace tsna::testing {

std::string loopback_address(unsigned block, unsigned index) {
  return "127." + std::to_string(block % 256) + "." + std::to_string((index / 250) % 256) + "." +
         std::to_string(1 + index % 250);
}

}  // namespace tsna::testing
