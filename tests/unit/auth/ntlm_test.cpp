// ntlm_test.cpp - the password hash and both challenge responses against SPEC 3's golden
// vectors and vectors computed independently with Python's hmac/hashlib. Depends on auth only.
#include "auth/ntlm.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "auth/hex.hpp"

namespace tsna::auth {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view hex) {
  std::vector<std::uint8_t> out(hex.size() / 2);
  EXPECT_TRUE(from_hex(hex, out)) << hex;
  return out;
}

std::vector<std::uint8_t> sequence(std::uint8_t first, std::size_t count) {
  std::vector<std::uint8_t> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = static_cast<std::uint8_t>(first + i);
  }
  return out;
}

// SPEC 3 golden vectors.

TEST(NtlmHash, SixDigitPasswordMatchesGoldenVector) {
  EXPECT_EQ(ntlm_hash("123456"), "910f4aff69c6c642b3756489bb81a945");
}

TEST(NtlmHash, ThreeDigitPasswordMatchesGoldenVector) {
  EXPECT_EQ(ntlm_hash("123"), "b3358c3dc3c4b063dd668b7f6620c3d2");
}

TEST(NtlmHash, EmptyPasswordIsMd5OfNothing) {
  EXPECT_EQ(ntlm_hash(""), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(NtlmHash, PasswordWithSpaceAndSymbolMatchesGoldenVector) {
  EXPECT_EQ(ntlm_hash("p@ss w0rd"), "a5d020979035a757aa2e1a52383c3550");
}

TEST(NtlmHash, TwoByteUtf8CharacterMatchesGoldenVector) {
  EXPECT_EQ(ntlm_hash("\xc3\xa9"), "a3952a21bf9d16f091d03dae3ecdcd7d");  // é
}

TEST(NtlmHash, ChineseCharactersAndAsciiMatchGoldenVector) {
  EXPECT_EQ(ntlm_hash("\xe4\xb8\xad\xe6\x96\x87pass"),  // 中文pass
            "04f6fe9da40f9438383e53a081397c5d");
}

TEST(NtlmHash, AstralCodePointIsWrittenWithFiveHexDigits) {
  EXPECT_EQ(ntlm_hash("\xf0\x9f\x98\x80"), "67d32a46b867bd85eb1cc969f508b518");  // U+1F600
}

TEST(ClassicResponse, SeedCaptureMatchesGoldenVector) {
  const Digest answer =
      classic_response("910f4aff69c6c642b3756489bb81a945", bytes_of("9c0c24a6caaf4c59"));
  EXPECT_EQ(to_hex(answer), "7ab4afb2b40aebf9133f29a1105c7a581249ee1616a051f84aa7d7b26cc3f219");
}

// Beyond SPEC 3: vectors from Python (format(ord(c), '02x') over the decoded string).

TEST(NtlmHash, HighestCodePointIsWrittenWithSixHexDigits) {
  EXPECT_EQ(ntlm_hash("\xf4\x8f\xbf\xbf"), "b8b7afa0e5a4b2aa9f09503d5643432d");  // U+10FFFF
}

TEST(NtlmHash, NulByteIsCodePointZero) {
  EXPECT_EQ(ntlm_hash(std::string_view("\0", 1)), "7cee495091e11ff9560d3d0165133322");
}

TEST(NtlmHash, LoneInvalidByteCountsAsOneReplacementCharacter) {
  EXPECT_EQ(ntlm_hash("\xff"), "2b06af0b277c49856741cab75b5ab1b3");          // "\ufffd"
  EXPECT_EQ(ntlm_hash("x\x80"), "ef2e14500241580e58260f0977691468");         // "x\ufffd"
  EXPECT_EQ(ntlm_hash("\xef\xbf\xbd"), "2b06af0b277c49856741cab75b5ab1b3");  // real U+FFFD
}

TEST(NtlmHash, TruncatedSequenceGivesOneReplacementPerByte) {
  // E4 B8 is the start of 中 without its last byte.
  EXPECT_EQ(ntlm_hash("A\xe4\xb8"
                      "B"),
            "569d3099dc532be600e413e625ccedfb");  // "A\ufffd\ufffdB"
}

TEST(NtlmHash, OverlongEncodingGivesOneReplacementPerByte) {
  EXPECT_EQ(ntlm_hash("\xc0\x80"), "fd17a6d11c5f4165d5964c7a57270602");  // "\ufffd" * 2
}

TEST(NtlmHash, EncodedSurrogateGivesOneReplacementPerByte) {
  EXPECT_EQ(ntlm_hash("\xed\xa0\x80"), "7f31b19ed4e35329da1a9e8467644c34");  // "\ufffd" * 3
}

TEST(NtlmHash, CodePointPastUnicodeGivesOneReplacementPerByte) {
  EXPECT_EQ(ntlm_hash("\xf4\x90\x80\x80"), "46e61d3cdf0ddfcd4cd584d1166b767e");  // "\ufffd" * 4
}

TEST(ClassicResponse, EmptyKeyAndChallengeAreHmacOfNothing) {
  EXPECT_EQ(to_hex(classic_response("", {})),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(ConstantTimeEqual, EqualBytesAreEqual) {
  const std::vector<std::uint8_t> a = sequence(0x40, 32);
  EXPECT_TRUE(constant_time_equal(a, sequence(0x40, 32)));
}

TEST(ConstantTimeEqual, AnySingleDifferingByteMakesThemUnequal) {
  const std::vector<std::uint8_t> a = sequence(0x40, 32);
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::vector<std::uint8_t> b = a;
    b[i] ^= 0x80;
    EXPECT_FALSE(constant_time_equal(a, b)) << "byte " << i;
  }
}

TEST(ConstantTimeEqual, DifferentLengthsAreUnequalEvenWithACommonPrefix) {
  const std::vector<std::uint8_t> a = sequence(0x40, 32);
  const std::vector<std::uint8_t> prefix(a.begin(), a.begin() + 31);
  EXPECT_FALSE(constant_time_equal(a, prefix));
  EXPECT_FALSE(constant_time_equal(prefix, a));
  EXPECT_FALSE(constant_time_equal(a, {}));
}

TEST(ConstantTimeEqual, TwoEmptySpansAreEqual) {
  EXPECT_TRUE(constant_time_equal({}, {}));
}

}  // namespace
}  // namespace tsna::auth
