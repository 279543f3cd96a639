// scram_client_first_test.cpp - what the server reads out of client-first before it steps
// (client_first_user: the gs2 header, the authzid, the escapes) and the mechanism names.
#include <gtest/gtest.h>

#include <string>

#include "auth/scram_server.hpp"

namespace tsna::auth {
namespace {

std::string b64(std::string_view text) {
  return to_base64(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::optional<std::string> user_of(std::string_view client_first) {
  return client_first_user(b64(client_first));
}

TEST(ClientFirstUser, ReadsTheNameOfRfc7677sClientFirst) {
  // RFC 7677 section 3, as sent on the wire: biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=
  EXPECT_EQ(client_first_user("biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8="),
            std::optional<std::string>("user"));
}

TEST(ClientFirstUser, UnescapesCommaAndEquals) {
  EXPECT_EQ(user_of("n,,n=a=2Cb=3Dc,r=x"), std::optional<std::string>("a,b=c"));
  EXPECT_EQ(user_of("n,,n==3D=3D,r=x"), std::optional<std::string>("=="));
}

TEST(ClientFirstUser, ReadsEveryGs2HeaderAndSkipsAnAuthzid) {
  EXPECT_EQ(user_of("y,,n=carol,r=x"), std::optional<std::string>("carol"));
  EXPECT_EQ(user_of("p=tls-exporter,,n=dave,r=x"), std::optional<std::string>("dave"));
  EXPECT_EQ(user_of("n,a=erin,n=erin,r=x"), std::optional<std::string>("erin"));
  EXPECT_EQ(user_of("p=tls-exporter,a=x=2Cy,n=frank,r=x,ext=1"),
            std::optional<std::string>("frank"));
  EXPECT_EQ(user_of("n,,n=\u5f20\u4f1f,r=x"), std::optional<std::string>("\u5f20\u4f1f"));
}

TEST(ClientFirstUser, RefusesWhatIsNotAClientFirstWithAName) {
  EXPECT_EQ(client_first_user(""), std::nullopt);
  EXPECT_EQ(client_first_user("not base64!"), std::nullopt);
  EXPECT_EQ(client_first_user("biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8"), std::nullopt);
  for (const std::string_view bad : {
           "n,,n=,r=x",           // empty name
           "n,,n=a=2cb,r=x",      // escapes are upper case
           "n,,n=a=41,r=x",       // only =2C and =3D
           "n,,n=bob",            // no nonce
           "n,,n=bob,r=",         // empty nonce
           "n,,n=bob,s=x",        // not the nonce
           "n,,m=ext,n=bob,r=x",  // a mandatory extension
           "x,,n=bob,r=x",        // no such binding flag
           "p=,,n=bob,r=x",       // no binding name
           "n,a=,n=bob,r=x",      // empty authzid
           "n,n=bob,r=x",         // gs2 header cut short
           "n,,bob,r=x",          // no n=
       }) {
    EXPECT_EQ(user_of(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(user_of(std::string_view("n,,n=bob\0x,r=x", 15)), std::nullopt);  // a NUL byte
}

TEST(ScramMechanismName, NamesBothMechanismsAndNothingElse) {
  EXPECT_EQ(mechanism_name(ScramMechanism::kSha256), "SCRAM-SHA-256");
  EXPECT_EQ(mechanism_name(ScramMechanism::kSha256Plus), "SCRAM-SHA-256-PLUS");
  EXPECT_EQ(mechanism_from_name("SCRAM-SHA-256"), ScramMechanism::kSha256);
  EXPECT_EQ(mechanism_from_name("SCRAM-SHA-256-PLUS"), ScramMechanism::kSha256Plus);
  EXPECT_EQ(mechanism_from_name("scram-sha-256"), std::nullopt);
  EXPECT_EQ(mechanism_from_name("SCRAM-SHA-1"), std::nullopt);
  EXPECT_EQ(mechanism_from_name(""), std::nullopt);
}

}  // namespace
}  // namespace tsna::auth
