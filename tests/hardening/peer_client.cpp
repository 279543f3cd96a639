// peer_client.cpp - loopback source addresses for many peers, and the TSNA/2 answer line.
// Test support only: depends on the auth library for the TSNA/2 MAC.
#include "peer_client.hpp"

#include <array>
#include <random>
#include <stdexcept>

#include "auth/hex.hpp"
#include "auth/ntlm.hpp"

namespace tsna::testing {

std::string loopback_address(unsigned block, unsigned index) {
  return "127." + std::to_string(block % 256) + "." + std::to_string((index / 250) % 256) + "." +
         std::to_string(1 + index % 250);
}

std::string tsna2_answer(std::string_view challenge_line, std::string_view user,
                         std::string_view hash) {
  std::array<std::uint8_t, 16> challenge{};
  if (challenge_line.size() < 36 || !auth::from_hex(challenge_line.substr(4, 32), challenge)) {
    throw std::runtime_error("not a challenge: " + std::string(challenge_line));
  }
  thread_local std::mt19937 rng(std::random_device{}());
  std::array<std::uint8_t, 16> nonce{};
  for (std::uint8_t& b : nonce) {
    b = static_cast<std::uint8_t>(rng());
  }
  const auth::Digest mac = auth::tsna2_mac(hash, challenge, nonce, user);
  return auth::to_hex(nonce) + " " + auth::to_hex(mac) + "\n";
}

}  // namespace tsna::testing
