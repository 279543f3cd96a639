// proxy_header_test.cpp - the PROXY protocol header parser (HAProxy's spec, versions 1 and 2):
// the spec's example headers written out byte by byte, every prefix of them, and each kind of
// malformed header refused.
#include "protocol/proxy_header.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tsna {
namespace {

using namespace std::string_literals;

// The v2 signature and head written out: "\r\n\r\n\0\r\nQUIT\n", version 2, then `rest`.
const std::string kSig = "\x0D\x0A\x0D\x0A\x00\x0D\x0A\x51\x55\x49\x54\x0A"s;

// PROXY, TCP over IPv4, 12 bytes: 192.168.0.1:56324 -> 192.168.0.11:443.
const std::string kV2Tcp4 = kSig + "\x21\x11\x00\x0C"s + "\xC0\xA8\x00\x01"s + "\xC0\xA8\x00\x0B"s +
                            "\xDC\x04"s + "\x01\xBB"s;

// PROXY, TCP over IPv6, 36 bytes: [2001:db8::1]:4242 -> [2001:db8::2]:6016.
const std::string kV2Tcp6 = kSig + "\x21\x21\x00\x24"s +
                            "\x20\x01\x0D\xB8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"s +
                            "\x20\x01\x0D\xB8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02"s +
                            "\x10\x92"s + "\x17\x80"s;

ProxyParse parse(const std::string& bytes) {
  return parse_proxy_header(bytes);
}

TEST(ProxyHeaderV1, ReadsTheSpecsTcp4Example) {
  const std::string line = "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n";
  const ProxyParse p = parse(line + "hello TSNA/2\n");
  ASSERT_EQ(p.status, ProxyStatus::kHeader);
  EXPECT_EQ(p.version, 1);
  EXPECT_EQ(p.length, line.size());
  ASSERT_TRUE(p.source);
  EXPECT_EQ(p.source->to_string(), "192.168.0.1:56324");
  ASSERT_TRUE(p.destination);
  EXPECT_EQ(p.destination->to_string(), "192.168.0.11:443");
}

TEST(ProxyHeaderV1, ReadsATcp6Line) {
  const ProxyParse p = parse("PROXY TCP6 2001:db8::1 2001:db8::2 4242 6016\r\n");
  ASSERT_EQ(p.status, ProxyStatus::kHeader);
  ASSERT_TRUE(p.source);
  EXPECT_EQ(p.source->to_string(), "[2001:db8::1]:4242");
  EXPECT_TRUE(p.source->v6);
}

TEST(ProxyHeaderV1, AcceptsTheLongestLineOf107Bytes) {
  const std::string f = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
  const std::string line = "PROXY TCP6 " + f + " " + f + " 65535 65535\r\n";
  ASSERT_EQ(line.size(), 104u);
  const std::string unknown = "PROXY UNKNOWN " + f + " " + f + " 65535 65535\r\n";
  ASSERT_EQ(unknown.size(), 107u);
  const ProxyParse p = parse(line);
  ASSERT_EQ(p.status, ProxyStatus::kHeader);
  EXPECT_EQ(p.source->to_string(), "[" + f + "]:65535");
  const ProxyParse u = parse(unknown);
  ASSERT_EQ(u.status, ProxyStatus::kHeader);
  EXPECT_EQ(u.length, 107u);
  EXPECT_FALSE(u.source);
}

TEST(ProxyHeaderV1, UnknownMeansTheSocketsOwnAddress) {
  const ProxyParse p = parse("PROXY UNKNOWN\r\n");
  ASSERT_EQ(p.status, ProxyStatus::kHeader);
  EXPECT_EQ(p.length, 15u);
  EXPECT_FALSE(p.source);
}

TEST(ProxyHeaderV1, EveryProperPrefixAsksForMore) {
  const std::string line = "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n";
  for (std::size_t n = 1; n < line.size(); ++n) {
    EXPECT_EQ(parse(line.substr(0, n)).status, ProxyStatus::kNeedMore) << n;
  }
}

TEST(ProxyHeaderV1, ALineWithoutItsEndAfter107BytesIsRefused) {
  const ProxyParse p = parse("PROXY UNKNOWN " + std::string(93, 'x') + "\r\n");
  ASSERT_EQ(p.status, ProxyStatus::kError);
  EXPECT_EQ(p.error, "PROXY v1 line longer than 107 bytes");
  EXPECT_EQ(parse("PROXY " + std::string(200, 'x')).status, ProxyStatus::kError);
}

TEST(ProxyHeaderV1, MalformedLinesAreRefusedWithTheirReason) {
  struct Case {
    std::string bytes;
    std::string_view error;
  };
  const Case cases[] = {
      {"GET / HTTP/1.0\r\n", "not a PROXY header"},
      {"success", "not a PROXY header"},
      {"proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n", "not a PROXY header"},
      {"PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", "PROXY v1 line does not end in CRLF"},
      {"PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n", "PROXY v1 protocol is not TCP4, TCP6 or UNKNOWN"},
      {"PROXY \r\n", "PROXY v1 protocol is not TCP4, TCP6 or UNKNOWN"},
      {"PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", "PROXY v1 line does not have 5 fields"},
      {"PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n", "PROXY v1 line does not have 5 fields"},
      {"PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n", "PROXY v1 line does not have 5 fields"},
      {"PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n", "PROXY v1 address is invalid"},
      {"PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n", "PROXY v1 address is invalid"},
      {"PROXY TCP4 ::1 5.6.7.8 1 2\r\n", "PROXY v1 address is invalid"},
      {"PROXY TCP6 1.2.3.4 ::1 1 2\r\n", "PROXY v1 address is invalid"},
      {"PROXY TCP6 ::1 ::g 1 2\r\n", "PROXY v1 address is invalid"},
      {"PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n", "PROXY v1 port is invalid"},
      {"PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n", "PROXY v1 port is invalid"},
      {"PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n", "PROXY v1 port is invalid"},
      {"PROXY TCP4 1.2.3.4 5.6.7.8 1 \r\n", "PROXY v1 port is invalid"},
  };
  for (const Case& c : cases) {
    const ProxyParse p = parse(c.bytes);
    EXPECT_EQ(p.status, ProxyStatus::kError) << c.bytes;
    EXPECT_EQ(p.error, c.error) << c.bytes;
  }
}

TEST(ProxyHeaderV1, AWrongFirstByteIsRefusedAtOnce) {
  EXPECT_EQ(parse("s").status, ProxyStatus::kError);
  EXPECT_EQ(parse("PROXX").status, ProxyStatus::kError);
}

TEST(ProxyHeaderV2, ReadsTcpOverIpv4AndLeavesTheStream) {
  const ProxyParse p = parse(kV2Tcp4 + "\x16\x03\x01"s);
  ASSERT_EQ(p.status, ProxyStatus::kHeader);
  EXPECT_EQ(p.version, 2);
  EXPECT_EQ(p.length, 28u);
  ASSERT_TRUE(p.source);
  EXPECT_EQ(p.source->to_string(), "192.168.0.1:56324");
  EXPECT_EQ(p.destination->to_string(), "192.168.0.11:443");
}

TEST(ProxyHeaderV2, ReadsTcpOverIpv6) {
  const ProxyParse p = parse(kV2Tcp6);
  ASSERT_EQ(p.status, ProxyStatus::kHeader);
  EXPECT_EQ(p.length, 52u);
  EXPECT_EQ(p.source->to_string(), "[2001:db8::1]:4242");
  EXPECT_EQ(p.destination->to_string(), "[2001:db8::2]:6016");
}

TEST(ProxyHeaderV2, SkipsTlvsAfterTheAddresses) {
  // Length 12 + 7: a PP2_TYPE_AUTHORITY TLV "a.b" (0x02, length 3) and a NOOP of 1 byte.
  const std::string h = kSig + "\x21\x11\x00\x13"s + "\x7F\x00\x00\x05"s + "\x7F\x00\x00\x01"s +
                        "\x9C\x40"s + "\x17\x80"s +
                        "\x02\x00\x03"
                        "a.b"s +
                        "\x04\x00\x00"s;
  const ProxyParse p = parse(h + "x");
  ASSERT_EQ(p.status, ProxyStatus::kHeader);
  EXPECT_EQ(p.length, 16u + 19u);
  EXPECT_EQ(p.source->to_string(), "127.0.0.5:40000");
}

TEST(ProxyHeaderV2, LocalCommandMeansTheSocketsOwnAddress) {
  // HAProxy's health checks with check-send-proxy: LOCAL, AF_UNSPEC, no address block.
  const ProxyParse p = parse(kSig + "\x20\x00\x00\x00"s);
  ASSERT_EQ(p.status, ProxyStatus::kHeader);
  EXPECT_EQ(p.length, 16u);
  EXPECT_FALSE(p.source);
  // LOCAL ignores whatever addresses come with it.
  const ProxyParse with_block = parse(kSig + "\x20\x11\x00\x0C"s + std::string(12, '\x01'));
  ASSERT_EQ(with_block.status, ProxyStatus::kHeader);
  EXPECT_EQ(with_block.length, 28u);
  EXPECT_FALSE(with_block.source);
}

TEST(ProxyHeaderV2, ProxyWithAnUnspecifiedFamilyMeansTheSocketsOwnAddress) {
  const ProxyParse p = parse(kSig + "\x21\x00\x00\x00"s);
  ASSERT_EQ(p.status, ProxyStatus::kHeader);
  EXPECT_FALSE(p.source);
}

TEST(ProxyHeaderV2, EveryProperPrefixAsksForMore) {
  for (std::size_t n = 1; n < kV2Tcp6.size(); ++n) {
    EXPECT_EQ(parse(kV2Tcp6.substr(0, n)).status, ProxyStatus::kNeedMore) << n;
  }
}

TEST(ProxyHeaderV2, MalformedHeadersAreRefusedWithTheirReason) {
  struct Case {
    std::string bytes;
    std::string_view error;
  };
  const Case cases[] = {
      {"\x0D\x0A\x0D\x0A\x00\x0D\x0A\x51\x55\x49\x54\x0B"s, "not a PROXY header"},
      {"\x0D\x0A\x0D\x0B"s, "not a PROXY header"},
      {"\r\nGET"s, "not a PROXY header"},
      {kSig + "\x11\x11\x00\x0C"s, "PROXY v2 version is not 2"},
      {kSig + "\x31"s, "PROXY v2 version is not 2"},
      {kSig + "\x22\x11\x00\x0C"s, "PROXY v2 command is neither LOCAL nor PROXY"},
      {kSig + "\x21\x41\x00\x0C"s, "PROXY v2 address family or transport is unknown"},
      {kSig + "\x21\x13"s, "PROXY v2 address family or transport is unknown"},
      {kSig + "\x21\x31\x00\xD8"s + std::string(216, 'x'),
       "PROXY v2 address family is not TCP over IPv4 or IPv6"},
      {kSig + "\x21\x12\x00\x0C"s + std::string(12, 'x'),
       "PROXY v2 address family is not TCP over IPv4 or IPv6"},
      {kSig + "\x21\x10\x00\x0C"s + std::string(12, 'x'),
       "PROXY v2 address family is not TCP over IPv4 or IPv6"},
      {kSig + "\x21\x11\x00\x0B"s + std::string(11, 'x'), "PROXY v2 address block is too short"},
      {kSig + "\x21\x21\x00\x0C"s + std::string(12, 'x'), "PROXY v2 address block is too short"},
      {kSig + "\x21\x11\xFF\xFF"s, "PROXY v2 header longer than the limit"},
      {kSig + "\x21\x11\x01\xF1"s, "PROXY v2 header longer than the limit"},
  };
  for (const Case& c : cases) {
    const ProxyParse p = parse(c.bytes);
    EXPECT_EQ(p.status, ProxyStatus::kError) << ::testing::PrintToString(c.bytes);
    EXPECT_EQ(p.error, c.error) << ::testing::PrintToString(c.bytes);
  }
}

TEST(ProxyHeaderV2, TheLengthLimitIsTheCallersToChoose) {
  // 16 + 496 = 512 bytes: the default limit exactly.
  const std::string at_limit = kSig + "\x21\x11\x01\xF0"s + std::string(496, '\0');
  EXPECT_EQ(parse(at_limit).status, ProxyStatus::kHeader);
  EXPECT_EQ(parse_proxy_header(kV2Tcp4, 27).status, ProxyStatus::kError);
  EXPECT_EQ(parse_proxy_header(kV2Tcp4, 28).status, ProxyStatus::kHeader);
}

TEST(ProxyHeader, NothingYetAsksForMore) {
  EXPECT_EQ(parse("").status, ProxyStatus::kNeedMore);
}

}  // namespace
}  // namespace tsna
