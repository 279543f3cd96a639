// handshake.hpp - the words that open every connection (SPEC 1): the server's greeting and the
// TSNA/2 upgrade. The one home of these wire constants for tsna-server, tsna and tsna-bench.
// Pure data; depends on nothing.
#pragma once

#include <string_view>

namespace tsna {

// Sent by the server as soon as it accepts a connection, with no terminator.
inline constexpr std::string_view kGreeting = "success";
// The first request of a connection that upgrades it to TSNA/2; a line, so '\n' follows it.
inline constexpr std::string_view kHelloTsna2 = "hello TSNA/2";
// The text of the 200 reply that accepts the upgrade: "200:TSNA/2\n" on the wire.
inline constexpr std::string_view kTsna2Accepted = "TSNA/2";

}  // namespace tsna
