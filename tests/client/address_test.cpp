// address_test.cpp - the seed's host checks (SPEC 5.1 step 2): every message, in the seed's
// order, and what a valid input becomes. Pure: no sockets.
#include "client/address.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tsna::client {
namespace {

std::string error_of(std::string_view input) {
  const auto parsed = parse_address(input);
  const auto* error = std::get_if<AddressError>(&parsed);
  return error == nullptr ? "(accepted)" : error->message;
}

Address accepted(std::string_view input) {
  const auto parsed = parse_address(input);
  EXPECT_TRUE(std::holds_alternative<Address>(parsed)) << input << ": " << error_of(input);
  return std::holds_alternative<Address>(parsed) ? std::get<Address>(parsed) : Address{};
}

std::string ip_text(std::uint32_t ipv4) {
  in_addr a{};
  a.s_addr = ipv4;
  return inet_ntoa(a);
}

struct Case {
  std::string input;
  std::string message;
};

TEST(Address, EveryRefusalPrintsTheSeedsMessage) {
  const std::string format = "Invalid IP and port format. Please use ip:port with ipv4 form:  ";
  const std::vector<Case> cases = {
      {"bad", format + "bad"},
      {"", format},
      {"127.0.0.1", format + "127.0.0.1"},
      {"127.0.0.1:6016:1", format + "127.0.0.1:6016:1"},
      {"127.0.0.1:", format + "127.0.0.1:"},
      {"127.0.0.1:abc", format + "127.0.0.1:abc"},
      {"127.0.0.1:60 16", format + "127.0.0.1:60 16"},
      {"127.0.0.1:6_016", format + "127.0.0.1:6_016"},
      {"127.0.0.1:0x10", format + "127.0.0.1:0x10"},
      {"127.0.0.1:+", format + "127.0.0.1:+"},
      {"127.0.0.1:0", "Invalid IP Port:  0"},
      {"127.0.0.1:0000", "Invalid IP Port:  0"},
      {"127.0.0.1:-0", "Invalid IP Port:  0"},
      {"127.0.0.1:-1", "Invalid IP Port:  -1"},
      {"127.0.0.1:65536", "Invalid IP Port:  65536"},
      {"127.0.0.1:99999999999999999999", "Invalid IP Port:  99999999999999999999"},
      {"256.0.0.1:6016", "Invalid IP"},
      {"example.com:6016", "Invalid IP"},
      {":6016", "Invalid IP"},
      {"127.0.0.1 x:6016", "Invalid IP"},
      {"1.2.3.4.5:6016", "Invalid IP"},
      {"0.0.0.0:6016", "Invalid IP for 0.0.0.0, it represent all network interfaces."},
      {"0:6016", "Invalid IP for 0.0.0.0, it represent all network interfaces."},
      {"0.0:6016", "Invalid IP for 0.0.0.0, it represent all network interfaces."},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(error_of(c.input), c.message) << "input: '" << c.input << "'";
  }
}

TEST(Address, PortIsCheckedBeforeTheHost) {
  EXPECT_EQ(error_of("nonsense:70000"), "Invalid IP Port:  70000");
  EXPECT_EQ(error_of("0.0.0.0:0"), "Invalid IP Port:  0");
}

TEST(Address, HostIsCheckedBeforeTheAnyAddress) {
  EXPECT_EQ(error_of("0.0.0.x:80"), "Invalid IP");
}

TEST(Address, DottedQuadIsAcceptedWithItsPort) {
  const Address a = accepted("127.0.0.1:6016");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(ip_text(a.ipv4), "127.0.0.1");
  EXPECT_EQ(a.port, 6016);
  EXPECT_EQ(a.display(), "127.0.0.1:6016");
}

TEST(Address, LocalhostIsTheLoopbackAddress) {
  const Address a = accepted("localhost:6016");
  EXPECT_EQ(ip_text(a.ipv4), "127.0.0.1");
  EXPECT_EQ(a.display(), "localhost:6016");
}

TEST(Address, InetAtonShortFormsAreAcceptedAndShownAsTyped) {
  const Address a = accepted("127.1:80");
  EXPECT_EQ(ip_text(a.ipv4), "127.0.0.1");
  EXPECT_EQ(a.display(), "127.1:80");
}

TEST(Address, PortIsReadAsAnIntegerLikePythonsInt) {
  EXPECT_EQ(accepted("10.0.0.1:+080").port, 80);
  EXPECT_EQ(accepted("10.0.0.1:007").display(), "10.0.0.1:7");
  EXPECT_EQ(accepted("10.0.0.1:1").port, 1);
  EXPECT_EQ(accepted("10.0.0.1:65535").port, 65535);
}

TEST(Address, BlanksAroundTheInputAreIgnored) {
  EXPECT_EQ(accepted(" \t127.0.0.1:6016  ").display(), "127.0.0.1:6016");
}

TEST(Address, HostAndPortArgumentsAreCheckedAsOne) {
  const auto parsed = parse_address("127.0.0.1", "6016");
  ASSERT_TRUE(std::holds_alternative<Address>(parsed));
  EXPECT_EQ(std::get<Address>(parsed).display(), "127.0.0.1:6016");
  const auto bad = parse_address("127.0.0.1", "x");
  ASSERT_TRUE(std::holds_alternative<AddressError>(bad));
  EXPECT_EQ(std::get<AddressError>(bad).message,
            "Invalid IP and port format. Please use ip:port with ipv4 form:  127.0.0.1:x");
}

}  // namespace
}  // namespace tsna::client
