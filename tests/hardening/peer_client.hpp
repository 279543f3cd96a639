// peer_client.hpp - many peers on one machine: distinct loopback source addresses (127.x.y.z)
// for TestClient (SCRAM steps by hand: support/scram_steps.hpp). Tests only.
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

// A client from a chosen source address is a TestClient built with one.
using PeerClient = TestClient;

}  // namespace tsna::testing
