// hex_test.cpp - lowercase encoding and strict decoding of hex. Depends on auth/hex only.
#include "auth/hex.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tsna::auth {
namespace {

TEST(Hex, EncodesEveryByteAsTwoLowercaseDigits) {
  const std::vector<std::uint8_t> bytes = {0x00, 0x0f, 0x10, 0x9c, 0xab, 0xff};
  EXPECT_EQ(to_hex(bytes), "000f109cabff");
}

TEST(Hex, EncodesNothingAsEmptyString) {
  EXPECT_EQ(to_hex({}), "");
}

TEST(Hex, AppendKeepsWhatIsAlreadyThere) {
  std::string out = "300:";
  const std::array<std::uint8_t, 2> bytes = {0xde, 0xad};
  append_hex(out, bytes);
  EXPECT_EQ(out, "300:dead");
}

TEST(Hex, DecodesLowercaseDigits) {
  std::array<std::uint8_t, 8> out{};
  ASSERT_TRUE(from_hex("9c0c24a6caaf4c59", out));
  EXPECT_EQ(out, (std::array<std::uint8_t, 8>{0x9c, 0x0c, 0x24, 0xa6, 0xca, 0xaf, 0x4c, 0x59}));
}

TEST(Hex, DecodesEveryByteValueBackToItself) {
  std::vector<std::uint8_t> all(256);
  for (int i = 0; i < 256; ++i) {
    all[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  }
  std::vector<std::uint8_t> back(256);
  ASSERT_TRUE(from_hex(to_hex(all), back));
  EXPECT_EQ(back, all);
}

TEST(Hex, DecodingNothingFromNothingSucceeds) {
  EXPECT_TRUE(from_hex("", {}));
}

TEST(Hex, RejectsUppercaseDigits) {
  std::array<std::uint8_t, 2> out{};
  EXPECT_FALSE(from_hex("DEAD", out));
  EXPECT_FALSE(from_hex("deAd", out));
  EXPECT_FALSE(from_hex("dEad", out));
}

TEST(Hex, RejectsTooShortAndTooLongInput) {
  std::array<std::uint8_t, 2> out{};
  EXPECT_FALSE(from_hex("dea", out));
  EXPECT_FALSE(from_hex("deadb", out));
  EXPECT_FALSE(from_hex("deadbe", out));
  EXPECT_FALSE(from_hex("", out));
}

TEST(Hex, RejectsEveryNonHexCharacterAtEveryPosition) {
  std::array<std::uint8_t, 2> out{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool is_lower_hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
    for (std::size_t offset = 0; offset < 4; ++offset) {
      std::string text = "0000";
      text[offset] = ch;
      EXPECT_EQ(from_hex(text, out), is_lower_hex) << "char " << c << " at offset " << offset;
    }
  }
}

TEST(Hex, RejectsSpacesAndSigns) {
  std::array<std::uint8_t, 1> out{};
  EXPECT_FALSE(from_hex(" a", out));
  EXPECT_FALSE(from_hex("+a", out));
  EXPECT_FALSE(from_hex("0x", out));
}

}  // namespace
}  // namespace tsna::auth
