// cidr_test.cpp - the CIDR ranges of --proxy-protocol-from: IPv4 and IPv6 parsed with their
// prefix lengths, bad ones refused by name, membership by the leading bits.
#include "server/cidr.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace tsna {
namespace {

bool contains(const std::vector<std::string>& ranges, const char* address) {
  return CidrList(ranges).contains(asio::ip::make_address(address));
}

TEST(Cidr, ReadsIpv4AndIpv6RangesAndBareAddresses) {
  const auto v4 = parse_cidr("10.1.0.0/16");
  ASSERT_TRUE(v4);
  EXPECT_FALSE(v4->v6);
  EXPECT_EQ(v4->prefix, 16u);
  const auto v6 = parse_cidr("2001:db8::/32");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->v6);
  EXPECT_EQ(v6->prefix, 32u);
  EXPECT_EQ(parse_cidr("127.0.0.1")->prefix, 32u);
  EXPECT_EQ(parse_cidr("::1")->prefix, 128u);
  EXPECT_EQ(parse_cidr("0.0.0.0/0")->prefix, 0u);
}

TEST(Cidr, RefusesWhatIsNotARange) {
  for (const char* bad : {"", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/08",
                          "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0/8", "localhost", "10.0.0.0 /8",
                          "10.0.0.0/8 ", "1.2.3.4/+8", "fe80::1%eth0/64"}) {
    EXPECT_FALSE(parse_cidr(bad)) << bad;
  }
}

TEST(CidrList, MatchesByTheLeadingBits) {
  EXPECT_TRUE(contains({"10.1.0.0/16"}, "10.1.255.7"));
  EXPECT_FALSE(contains({"10.1.0.0/16"}, "10.2.0.1"));
  EXPECT_TRUE(contains({"127.0.0.1/32"}, "127.0.0.1"));
  EXPECT_FALSE(contains({"127.0.0.1/32"}, "127.0.0.5"));
  EXPECT_TRUE(contains({"192.168.0.0/23"}, "192.168.1.200"));
  EXPECT_FALSE(contains({"192.168.0.0/23"}, "192.168.2.1"));
  EXPECT_TRUE(contains({"0.0.0.0/0"}, "203.0.113.9"));
  EXPECT_TRUE(contains({"2001:db8::/32"}, "2001:db8:ffff::1"));
  EXPECT_FALSE(contains({"2001:db8::/32"}, "2001:db9::1"));
  EXPECT_TRUE(contains({"::1"}, "::1"));
}

TEST(CidrList, IgnoresHostBitsAfterThePrefix) {
  EXPECT_TRUE(contains({"10.1.2.3/8"}, "10.200.0.1"));
}

TEST(CidrList, KeepsTheFamiliesApartButSeesIpv4MappedAddressesAsIpv4) {
  EXPECT_FALSE(contains({"0.0.0.0/0"}, "::1"));
  EXPECT_FALSE(contains({"::/0"}, "127.0.0.1"));
  EXPECT_TRUE(contains({"127.0.0.0/8"}, "::ffff:127.0.0.9"));
}

TEST(CidrList, AnEmptyListTrustsNobody) {
  const CidrList none;
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.contains(asio::ip::make_address("127.0.0.1")));
}

TEST(CidrList, NamesTheFirstItemThatIsNotARange) {
  try {
    CidrList({"10.0.0.0/8", "10.0.0.0/40", "nonsense"});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(
        e.what(),
        "--proxy-protocol-from: \"10.0.0.0/40\" is not a CIDR (ADDRESS/BITS, IPv4 or IPv6)");
  }
}

}  // namespace
}  // namespace tsna
