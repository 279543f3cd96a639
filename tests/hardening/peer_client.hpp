// peer_client.hpp - many peers on one machine: distinct loopback source addresses (127.x.y.z)
// for TestClient, and the TSNA/2 answer line for a challenge. Tests only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "support/test_client.hpp"

namespace tsna::testing {

// A distinct loopback address for peer `index` of `block`: 127.<block>.<index/250>.<1+index%250>
// (never .0 or .255), so blocks of up to 64,000 addresses do not overlap.
std::string loopback_address(unsigned block, unsigned index);

// The TSNA/2 answer line to `challenge_line` ("300:<32 hex>\n") for `user`: a random nonce and
// the MAC keyed with `hash` (the right hash or a wrong one).
std::string tsna2_answer(std::string_view challenge_line, std::string_view user,
                         std::string_view hash);

// A client from a chosen source address is a TestClient built with one.
using PeerClient = TestClient;

}  // namespace tsna::testing
