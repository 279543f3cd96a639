// redact_test.cpp - the audit log's cmd text: secrets masked, UTF-8 repaired, length capped
// (SPEC 4.3). Pure: no files, no clock.
#include "audit/redact.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace tsna {
namespace {

constexpr std::string_view kHash = "910f4aff69c6c642b3756489bb81a945";
constexpr std::size_t kMax = 512;

std::string redact(std::string_view raw, std::size_t max_bytes = kMax) {
  std::string out;
  append_redacted_command(out, raw, /*is_answer=*/false, max_bytes);
  return out;
}

std::string valid_utf8(std::string_view raw) {
  std::string out;
  append_valid_utf8(out, raw);
  return out;
}

struct Case {
  std::string_view raw;
  std::string_view expected;
};

TEST(RedactCommand, MasksSecretsAndKeepsEverythingElse) {
  const Case cases[] = {
      // A user name is not a secret (an operator must see which account a login was for); the
      // hash and anything after it is.
      {"login bob 910f4aff69c6c642b3756489bb81a945", "login bob ***"},
      {"login HaibinLai 123456", "login HaibinLai ***"},
      {"login carol", "login carol"},
      {"login", "login"},
      {"login bob x y", "login bob *** ***"},
      {"register bob x y z", "register bob *** *** ***"},
      {"register bob 910f4aff69c6c642b3756489bb81a945", "register bob ***"},
      {"register 910f4aff69c6c642b3756489bb81a945", "register ***"},  // a hash in the name's place
      {"changepwd abc", "changepwd ***"},
      {"changepwd sd 45b1d51b9f5dce02af737a7dc8e73ef4", "changepwd *** ***"},
      {"sum 1 2", "sum 1 2"},
      {"sum       1 2 3 4", "sum       1 2 3 4"},
      {"foo 910f4aff69c6c642b3756489bb81a945", "foo ***"},
      {"foo 910f4aff69c6c642b3756489bb81a94", "foo 910f4aff69c6c642b3756489bb81a94"},  // 31
      {"foo 910F4AFF69C6C642B3756489BB81A945", "foo ***"},
      {"910f4aff69c6c642b3756489bb81a945", "***"},
      {"910f4aff69c6c642b3756489bb81a945 bob", "*** bob"},
      {"x=910f4aff69c6c642b3756489bb81a945;y", "x=***;y"},
      {"mac 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "mac ***"},
      {"two 910f4aff69c6c642b3756489bb81a945:b3358c3dc3c4b063dd668b7f6620c3d2", "two ***:***"},
      {"  login   a  b", "  login   a  ***"},
      {"login\tbob\t\t910f4aff69c6c642b3756489bb81a945 ", "login\tbob\t\t*** "},
      {"LOGIN bob pw", "LOGIN bob pw"},  // commands are case-sensitive (SPEC 2.1)
      {"logins bob pw", "logins bob pw"},
      {"sum login bob", "sum login bob"},
      {"", ""},
      {"   ", "   "},
      {"?", "?"},
      {"multiply 223.4 5.3", "multiply 223.4 5.3"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(redact(c.raw), c.expected) << "raw: " << c.raw;
  }
}

TEST(RedactCommand, HexRunIsMaskedFromThirtyTwoDigitsOn) {
  const std::string digits(40, 'a');
  for (std::size_t n = 1; n <= digits.size(); ++n) {
    const std::string raw = "ls " + digits.substr(0, n);
    const std::string expected = n >= 32 ? std::string("ls ***") : raw;
    EXPECT_EQ(redact(raw), expected) << "run of " << n;
  }
}

TEST(RedactCommand, AnswerIsMaskedWhateverItHolds) {
  const std::string_view answers[] = {
      "",
      "0123456789abcdef0123456789abcdef 0123456789abcdef0123456789abcdef0123456789abcdef"
      "0123456789abcdef",
      std::string_view("\x00\xff\x7a\xb4\x80", 5),
      "sum 1 2",
  };
  for (std::string_view a : answers) {
    std::string out = "prefix:";
    append_redacted_command(out, a, /*is_answer=*/true, kMax);
    EXPECT_EQ(out, "prefix:***");
  }
}

TEST(RedactCommand, AppendsAfterWhatTheBufferHolds) {
  std::string out = "{\"cmd\":\"";
  append_redacted_command(out, "login bob 123456", false, kMax);
  EXPECT_EQ(out, "{\"cmd\":\"login bob ***");
}

TEST(RedactCommand, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(redact("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(redact("ls \xff\xfe"), "ls \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(redact("caf\xC3\xA9 \xE4\xB8\xAD"), "caf\xC3\xA9 \xE4\xB8\xAD");  // valid: kept
  // An invalid byte breaks a hex run: neither half reaches 32 digits.
  EXPECT_EQ(redact("910f4aff69c6c642\xff"
                   "b3756489bb81a945"),
            "910f4aff69c6c642\xEF\xBF\xBD"
            "b3756489bb81a945");
}

TEST(RedactCommand, LoginWithInvalidUtf8ArgumentsKeepsARepairedNameAndMasksTheHash) {
  EXPECT_EQ(redact("login b\xffob \xfe\xfe"), "login b\xEF\xBF\xBDob ***");
}

TEST(ValidUtf8, OneReplacementPerMaximalIllFormedSubpart) {
  const Case cases[] = {
      {"plain ascii", "plain ascii"},
      {"\xC3\xA9", "\xC3\xA9"},                  // U+00E9
      {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},  // U+1F600
      {"\xEF\xBF\xBD", "\xEF\xBF\xBD"},          // U+FFFD itself
      {"\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"},  // U+10FFFF
      {"\x80", "\xEF\xBF\xBD"},                  // lone continuation byte
      {"\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD"},  // each one its own subpart
      {"\xC3", "\xEF\xBF\xBD"},                  // truncated at the end
      {"\xE2\x82", "\xEF\xBF\xBD"},              // truncated 3-byte sequence: one
      {"\xE2\x82x", "\xEF\xBF\xBDx"},            // truncated, then ASCII
      {"\xF0\x9F\x98", "\xEF\xBF\xBD"},          // truncated 4-byte sequence: one
      {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},  // overlong '/': C0 never starts a sequence
      {"\xE0\x80\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},                  // overlong 3-byte
      {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},                  // surrogate U+D800
      {"\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // > U+10FFFF
      {"\xF5\xFF", "\xEF\xBF\xBD\xEF\xBF\xBD"},
      {"a\xC3\xA9\xC3z", "a\xC3\xA9\xEF\xBF\xBDz"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(valid_utf8(c.raw), c.expected) << "raw size " << c.raw.size();
  }
  EXPECT_EQ(valid_utf8(std::string_view("a\0b", 3)), std::string_view("a\0b", 3));
}

TEST(RedactCommand, LongCommandIsCutAtTheLimitOnACharacterBoundary) {
  // 'a' then 2-byte characters: byte 512 would split U+00E9, so the cut lands at 511.
  std::string raw = "a";
  while (raw.size() < 2000) {
    raw += "\xC3\xA9";
  }
  const std::string out = redact(raw);
  EXPECT_EQ(out.size(), 511u);
  EXPECT_EQ(out, raw.substr(0, 511));

  const std::string ascii(2000, 'x');
  EXPECT_EQ(redact(ascii), std::string(512, 'x'));
}

TEST(RedactCommand, CutNeverSplitsAFourByteCharacterAtAnyLimit) {
  const std::string raw =
      "ab\xF0\x9F\x98\x80"
      "cd";
  const std::size_t expected_sizes[] = {0, 1, 2, 2, 2, 2, 6, 7, 8, 8};
  for (std::size_t limit = 0; limit < std::size(expected_sizes); ++limit) {
    EXPECT_EQ(redact(raw, limit), raw.substr(0, expected_sizes[limit])) << "limit " << limit;
  }
}

TEST(RedactCommand, CutComesAfterRedaction) {
  // A hash straddling the limit is masked, never shown in part.
  const std::string raw = std::string(500, 'x') + " " + std::string(kHash) + " tail";
  EXPECT_EQ(redact(raw), std::string(500, 'x') + " *** tail");
  const std::string cut_raw = std::string(510, 'x') + " " + std::string(kHash);
  EXPECT_EQ(redact(cut_raw), std::string(510, 'x') + " *");
}

TEST(RedactCommand, ReplacementCharactersCountTowardTheLimit) {
  // 2000 invalid bytes become 2000 three-byte U+FFFD: 170 of them fit in 512 bytes.
  const std::string raw(2000, '\xff');
  const std::string out = redact(raw);
  ASSERT_EQ(out.size(), 510u);
  for (std::size_t i = 0; i < out.size(); i += 3) {
    ASSERT_EQ(out.substr(i, 3), "\xEF\xBF\xBD") << "at " << i;
  }
}

TEST(RedactCommand, EveryByteValueInEveryPositionYieldsValidCappedTextWithoutTheHash) {
  // Hostile input: each byte value at each offset of a login line. Either the line stays a
  // login (arguments masked) or the hash stays whole (hex rule): it never shows.
  const std::string base = "login bob " + std::string(kHash);
  for (int b = 0; b < 256; ++b) {
    for (std::size_t at = 0; at <= base.size(); ++at) {
      std::string raw = base;
      raw.insert(at, 1, static_cast<char>(b));
      const std::string out = redact(raw);
      ASSERT_EQ(out.find("910f"), std::string::npos) << "byte " << b << " at " << at;
      ASSERT_EQ(out.find("a945"), std::string::npos) << "byte " << b << " at " << at;
      ASSERT_EQ(valid_utf8(out), out) << "byte " << b << " at " << at;
      const std::string capped = redact(raw, 16);
      ASSERT_LE(capped.size(), 16u) << "byte " << b << " at " << at;
      ASSERT_EQ(capped, out.substr(0, capped.size())) << "byte " << b << " at " << at;
    }
  }
}

}  // namespace
}  // namespace tsna
