// saslprep_test.cpp - SASLprep (RFC 4013, stored strings) through GNU SASL: what it maps, what
// it refuses (RFC 4013 section 2.3's prohibited tables, unassigned code points, bidi, bad
// UTF-8), and which names it leaves as they are.
#include "auth/saslprep.hpp"

#include <gtest/gtest.h>

namespace tsna::auth {
namespace {

TEST(Saslprep, RomanNumeralNineBecomesIxSoItIsNotStable) {
  EXPECT_EQ(saslprep("\u2168"), std::optional<std::string>("IX"));  // U+2168, NFKC
  EXPECT_FALSE(is_saslprep_stable("\u2168"));
  EXPECT_TRUE(is_saslprep_stable("IX"));
}

TEST(Saslprep, PlainNamesAreStable) {
  EXPECT_EQ(saslprep("alice"), std::optional<std::string>("alice"));
  EXPECT_TRUE(is_saslprep_stable("alice"));
  EXPECT_TRUE(is_saslprep_stable("HaibinLai"));
  EXPECT_TRUE(is_saslprep_stable("\u5f20\u4f1f"));  // 张伟: CJK is assigned in Unicode 3.2
  EXPECT_TRUE(is_saslprep_stable("a b"));           // ASCII space is allowed
}

TEST(Saslprep, MappedCharactersMakeANameUnstable) {
  EXPECT_EQ(saslprep("a\u00a0b"), std::optional<std::string>("a b"));  // C.1.2 -> space
  EXPECT_EQ(saslprep("a\u00adb"), std::optional<std::string>("ab"));   // B.1: mapped to nothing
  EXPECT_FALSE(is_saslprep_stable("a\u00a0b"));
  EXPECT_FALSE(is_saslprep_stable("a\u00adb"));
}

TEST(Saslprep, ProhibitedCodePointsAreRefused) {
  EXPECT_EQ(saslprep("a\u0007"), std::nullopt);  // C.2.1 ASCII control (BEL)
  EXPECT_EQ(saslprep("a\u0085"), std::nullopt);  // C.2.2 non-ASCII control
  EXPECT_EQ(saslprep("a\ue000"), std::nullopt);  // C.3 private use
  EXPECT_EQ(saslprep("a\uffff"), std::nullopt);  // C.4 non-character
  EXPECT_EQ(saslprep("a\ufffd"), std::nullopt);  // C.6 inappropriate for plain text
  EXPECT_EQ(saslprep("a\u2ff0"), std::nullopt);  // C.7 inappropriate for canonical repr.
  EXPECT_EQ(saslprep("a\u200e"), std::nullopt);  // C.8 change display properties (LRM)
  EXPECT_FALSE(is_saslprep_stable("a\u0007"));
}

TEST(Saslprep, UnassignedCodePointsAreRefusedAsStoredStringsRequire) {
  // U+0221 was unassigned in Unicode 3.2 (RFC 3454's tables). GNU SASL 2.2.0 needs its
  // GSASL_ALLOW_UNASSIGNED flag for this (the flag is inverted; saslprep.cpp says more).
  EXPECT_EQ(saslprep("a\u0221"), std::nullopt);
}

TEST(Saslprep, MixedDirectionInvalidUtf8AndNulAreRefused) {
  EXPECT_EQ(saslprep("\u05d0a"), std::nullopt);  // RandALCat with LCat (RFC 3454 section 6)
  EXPECT_EQ(saslprep("a\xff"), std::nullopt);
  EXPECT_EQ(saslprep(std::string_view("a\0b", 3)), std::nullopt);
  EXPECT_FALSE(is_saslprep_stable(std::string_view("a\0b", 3)));
}

}  // namespace
}  // namespace tsna::auth
