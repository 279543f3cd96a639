// scram_verifier_test.cpp - SCRAM-SHA-256 verifiers: RFC 7677's test exchange reproduced by our
// derivation, a verifier PostgreSQL made for a known SCRAM password, PostgreSQL's text form
// parsed strictly, and decoys that are stable per name and secret.
#include "auth/scram_verifier.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <string>
#include <vector>

namespace tsna::auth {
namespace {

std::vector<std::uint8_t> b64(std::string_view text) {
  const auto bytes = from_base64(text);
  EXPECT_TRUE(bytes.has_value()) << text;
  return bytes.value_or(std::vector<std::uint8_t>{});
}

ScramKey hmac(std::span<const std::uint8_t> key, std::string_view message) {
  ScramKey out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(), &len);
  return out;
}

TEST(ScramVerifier, Rfc7677ExchangeIsReproducedByTheDerivedVerifier) {
  // RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, i=4096.
  const ScramVerifier v = derive_verifier("pencil", b64("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
  const std::string auth_message =
      "n=user,r=rOprNGfwEbeRWgbNEkqO,"
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  // The server's signature in the RFC's server-final message.
  EXPECT_EQ(to_base64(hmac(v.server_key, auth_message)),
            "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  // The RFC's client proof, checked the way a server checks it: ClientKey = proof XOR
  // HMAC(StoredKey, AuthMessage), and H(ClientKey) must be StoredKey.
  const std::vector<std::uint8_t> proof = b64("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  const ScramKey signature = hmac(v.stored_key, auth_message);
  ScramKey client_key{};
  for (std::size_t i = 0; i < client_key.size(); ++i) {
    client_key[i] = proof[i] ^ signature[i];
  }
  ScramKey hashed{};
  SHA256(client_key.data(), client_key.size(), hashed.data());
  EXPECT_EQ(hashed, v.stored_key);
}

TEST(ScramVerifier, VerifierPostgresqlMadeForAKnownHashParsesAndMatchesThatHashOnly) {
  // PostgreSQL 15.18, password_encryption = scram-sha-256:
  //   CREATE ROLE haibin PASSWORD '910f4aff69c6c642b3756489bb81a945'  (ntlm_hash("123456"))
  constexpr std::string_view kMadeByPostgresql =
      "SCRAM-SHA-256$4096:xtaIHwt/bTGPyTtsegw7dA==$1oPzgDJ4l4FfKR83sz8ahhZYvOTU58El8gkFhJYXYTc=:"
      "PityLnV2eMlRBY/KdGRsqx8AW7qzfw7b2+sza8l3qwY=";
  const std::optional<ScramVerifier> v = parse_verifier(kMadeByPostgresql);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->iterations, 4096u);
  EXPECT_EQ(v->salt.size(), 16u);
  EXPECT_TRUE(password_matches(*v, "910f4aff69c6c642b3756489bb81a945"));
  EXPECT_FALSE(password_matches(*v, "b3358c3dc3c4b063dd668b7f6620c3d2"));
  // Our derivation with PostgreSQL's salt gives PostgreSQL's keys, and the same text back.
  EXPECT_EQ(derive_verifier("910f4aff69c6c642b3756489bb81a945", v->salt, 4096), *v);
  EXPECT_EQ(format_verifier(*v), kMadeByPostgresql);
}

TEST(ScramVerifier, TextFormRoundTripsAndNamesItsParts) {
  ScramVerifier v;
  v.iterations = 4096;
  v.salt = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  v.stored_key.fill(0xAA);
  v.server_key.fill(0x55);
  const std::string text = format_verifier(v);
  EXPECT_EQ(
      text,
      "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo=:"
      "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVU=");
  EXPECT_EQ(parse_verifier(text), v);
}

TEST(ScramVerifier, MalformedTextFormsAreRefused) {
  const std::string good =
      "SCRAM-SHA-256$4096:xtaIHwt/bTGPyTtsegw7dA==$1oPzgDJ4l4FfKR83sz8ahhZYvOTU58El8gkFhJYXYTc=:"
      "PityLnV2eMlRBY/KdGRsqx8AW7qzfw7b2+sza8l3qwY=";
  ASSERT_TRUE(parse_verifier(good).has_value());
  const std::vector<std::string> bad = {
      "",
      "910f4aff69c6c642b3756489bb81a945",                     // a seed hash
      "SCRAM-SHA-1$4096:xtaIHwt/bTGPyTtsegw7dA==$1oPz:Pity",  // another mechanism
      "SCRAM-SHA-256$04096:xtaIHwt/bTGPyTtsegw7dA==$" + good.substr(good.find('$', 15) + 1),
      "SCRAM-SHA-256$1000:xtaIHwt/bTGPyTtsegw7dA==$" + good.substr(good.find('$', 15) + 1),
      "SCRAM-SHA-256$4096:$" + good.substr(good.find('$', 15) + 1),  // empty salt
      "SCRAM-SHA-256$4096:xtaIHwt/bTGPyTtsegw7dA$" + good.substr(good.find('$', 15) + 1),
      good.substr(0, good.size() - 1),  // key cut short
      good + "A",                       // key too long
      "SCRAM-SHA-256$4096:xtaIHwt/bTGPyTtsegw7dA==$" +
          good.substr(good.find('$', 15) + 1, 44),  // one key only
  };
  for (const std::string& text : bad) {
    EXPECT_FALSE(parse_verifier(text).has_value()) << text;
  }
}

TEST(ScramVerifier, PasswordMatchesOnlyTheDerivingPassword) {
  const std::vector<std::uint8_t> salt(16, 7);
  const ScramVerifier v = derive_verifier("910f4aff69c6c642b3756489bb81a945", salt, 4096);
  EXPECT_TRUE(password_matches(v, "910f4aff69c6c642b3756489bb81a945"));
  EXPECT_FALSE(password_matches(v, "910f4aff69c6c642b3756489bb81a946"));
  // The stored fields themselves are not passwords (no pass-the-hash).
  EXPECT_FALSE(password_matches(v, to_base64(v.stored_key)));
  EXPECT_FALSE(password_matches(v, to_base64(v.server_key)));
  EXPECT_FALSE(password_matches(v, format_verifier(v)));
}

TEST(ScramVerifier, DecoysAreStablePerNameAndSecretAndDifferOtherwise) {
  const std::vector<std::uint8_t> secret(32, 1);
  const std::vector<std::uint8_t> other_secret(32, 2);
  const ScramVerifier a = decoy_verifier(secret, "ghost", 4096);
  EXPECT_EQ(a, decoy_verifier(secret, "ghost", 4096));
  EXPECT_EQ(a.salt.size(), kScramSaltBytes);
  EXPECT_EQ(a.iterations, 4096u);
  EXPECT_NE(a.salt, decoy_verifier(secret, "ghost2", 4096).salt);
  EXPECT_NE(a.salt, decoy_verifier(other_secret, "ghost", 4096).salt);
  EXPECT_NE(a.stored_key, a.server_key);
}

TEST(ScramBase64, IsStrictAndCanonical) {
  EXPECT_EQ(to_base64(std::vector<std::uint8_t>{'a', 'b', 'c', 'd'}), "YWJjZA==");
  EXPECT_EQ(from_base64("YWJjZA=="), (std::vector<std::uint8_t>{'a', 'b', 'c', 'd'}));
  EXPECT_FALSE(from_base64("YWJjZA").has_value());    // padding missing
  EXPECT_FALSE(from_base64("YWJjZB==").has_value());  // non-canonical trailing bits
  EXPECT_FALSE(from_base64("YWJj ZA==").has_value());
  EXPECT_FALSE(from_base64("").has_value());
}

}  // namespace
}  // namespace tsna::auth
