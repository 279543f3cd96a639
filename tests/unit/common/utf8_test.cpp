// utf8_test.cpp - the shared UTF-8 decoder: code points, lengths and the maximal-subpart rule
// (Unicode table 3-7), and the well-formedness check built on it.
#include "common/utf8.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <tuple>

namespace tsna {
namespace {

std::tuple<char32_t, std::size_t, bool> step_at(std::string_view text, std::size_t at = 0) {
  const Utf8Step step = decode_utf8(text, at);
  return {step.cp, step.length, step.valid};
}

std::tuple<char32_t, std::size_t, bool> invalid(std::size_t length) {
  return {kUtf8ReplacementCharacter, length, false};
}

// The UTF-8 encoding of a scalar value, written out independently of the decoder: a lead byte
// with the top bits, then six bits per continuation byte.
std::string encode(char32_t cp) {
  if (cp < 0x80) {
    return std::string(1, static_cast<char>(cp));
  }
  constexpr unsigned kLeadBits[] = {0x00, 0xC0, 0xE0, 0xF0};
  const int trailing = cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3;
  std::string out(1, static_cast<char>(kLeadBits[trailing] | (cp >> (6 * trailing))));
  for (int k = trailing - 1; k >= 0; --k) {
    out += static_cast<char>(0x80 | ((cp >> (6 * k)) & 0x3F));
  }
  return out;
}

TEST(Utf8, WellFormedSequencesGiveTheirCodePointAndLength) {
  EXPECT_EQ(step_at("A"), std::make_tuple(U'A', 1U, true));
  EXPECT_EQ(step_at("\xc3\xa9"), std::make_tuple(char32_t{0xE9}, 2U, true));              // é
  EXPECT_EQ(step_at("\xe4\xb8\xad"), std::make_tuple(char32_t{0x4E2D}, 3U, true));        // 中
  EXPECT_EQ(step_at("\xf0\x9f\x98\x80"), std::make_tuple(char32_t{0x1F600}, 4U, true));   // 😀
  EXPECT_EQ(step_at("\xf4\x8f\xbf\xbf"), std::make_tuple(char32_t{0x10FFFF}, 4U, true));  // max
  EXPECT_EQ(step_at("\xed\x9f\xbf"),
            std::make_tuple(char32_t{0xD7FF}, 3U, true));  // below surrogates
  EXPECT_EQ(step_at("\xee\x80\x80"), std::make_tuple(char32_t{0xE000}, 3U, true));  // above them
  EXPECT_EQ(step_at(std::string_view("\0", 1)), std::make_tuple(char32_t{0}, 1U, true));
}

TEST(Utf8, DecodingStartsAtTheGivenOffsetAndStopsAfterOneSequence) {
  EXPECT_EQ(step_at("a\xc3\xa9z", 1), std::make_tuple(char32_t{0xE9}, 2U, true));
  EXPECT_EQ(step_at("a\xc3\xa9z", 3), std::make_tuple(U'z', 1U, true));
}

TEST(Utf8, EveryScalarValueRoundTrips) {
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) {
      continue;
    }
    const std::string text = encode(cp);
    ASSERT_EQ(step_at(text), std::make_tuple(cp, text.size(), true))
        << std::hex << static_cast<std::uint32_t>(cp);
  }
}

TEST(Utf8, BytesThatNeverLeadAreOneByteSubparts) {
  for (unsigned b = 0x80; b <= 0xFF; ++b) {
    if (b >= 0xC2 && b <= 0xF4) {
      continue;
    }
    const std::string text = std::string(1, static_cast<char>(b)) + "\x80\x80\x80";
    EXPECT_EQ(step_at(text), invalid(1)) << std::hex << b;
  }
}

TEST(Utf8, IllFormedSequencesStopAtTheirMaximalSubpart) {
  EXPECT_EQ(step_at("\xc3"), invalid(1));              // truncated 2-byte
  EXPECT_EQ(step_at("\xc3x"), invalid(1));             // 2-byte lead, then ASCII
  EXPECT_EQ(step_at("\xe2\x82"), invalid(2));          // truncated 3-byte
  EXPECT_EQ(step_at("\xe2\x82x"), invalid(2));         // truncated, then ASCII
  EXPECT_EQ(step_at("\xe2\x82\xc3\xa9"), invalid(2));  // truncated, then a new sequence
  EXPECT_EQ(step_at("\xe0\x80\xaf"), invalid(1));      // overlong 3-byte: E0 needs A0..BF
  EXPECT_EQ(step_at("\xe0\xa0"), invalid(2));          // E0 A0 is a good start
  EXPECT_EQ(step_at("\xed\xa0\x80"), invalid(1));      // surrogate U+D800: ED needs 80..9F
  EXPECT_EQ(step_at("\xf0\x8f\xbf\xbf"), invalid(1));  // overlong 4-byte: F0 needs 90..BF
  EXPECT_EQ(step_at("\xf0\x9f\x98"), invalid(3));      // truncated 4-byte
  EXPECT_EQ(step_at("\xf0\x9f\x98x"), invalid(3));     // truncated, then ASCII
  EXPECT_EQ(step_at("\xf4\x90\x80\x80"), invalid(1));  // past U+10FFFF: F4 needs 80..8F
  EXPECT_EQ(step_at("\xf1\x80\x80\xc0"), invalid(3));  // last byte not a continuation
}

TEST(Utf8, ValidationRejectsOverlongsSurrogatesAndTruncation) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));   // U+1F600
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));   // U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe4\xb8"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation
}

TEST(Utf8, ValidationLooksPastTheFirstSequence) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("a\xc3\xa9\xe4\xb8\xad"));
  EXPECT_FALSE(is_valid_utf8("a\xc3\xa9\xe4\xb8"));
  EXPECT_FALSE(is_valid_utf8("abc\xff"));
}

}  // namespace
}  // namespace tsna
