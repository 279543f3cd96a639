// credentials_test.cpp - user-name and hash syntax (SPEC 2.2).
#include "common/credentials.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tsna {
namespace {

using namespace std::string_literals;

TEST(Credentials, UsernamesAreOneToSixtyFourBytesOfPrintableUtf8WithoutColons) {
  EXPECT_TRUE(is_valid_username("bob"));
  EXPECT_TRUE(is_valid_username("HaibinLai"));
  EXPECT_TRUE(is_valid_username("中文"));
  EXPECT_TRUE(is_valid_username("é-1_2.3"));
  EXPECT_TRUE(is_valid_username(std::string(64, 'a')));
  EXPECT_FALSE(is_valid_username(std::string(65, 'a')));
  EXPECT_FALSE(is_valid_username(""));
  EXPECT_FALSE(is_valid_username("a:b"));
  EXPECT_FALSE(is_valid_username("a b"));
  EXPECT_FALSE(is_valid_username("a\tb"));
  EXPECT_FALSE(is_valid_username("a\x7f"));
  EXPECT_FALSE(is_valid_username("a\0b"s));
  EXPECT_FALSE(is_valid_username("a\xc2\x85"));      // NEL, a C1 control
  EXPECT_FALSE(is_valid_username("a\xe3\x80\x80"));  // ideographic space
  EXPECT_FALSE(is_valid_username("\xff"));
}

TEST(Credentials, HashesAreThirtyTwoLowercaseHexCharacters) {
  EXPECT_TRUE(is_password_hash("910f4aff69c6c642b3756489bb81a945"));
  EXPECT_FALSE(is_password_hash("910F4AFF69C6C642B3756489BB81A945"));
  EXPECT_FALSE(is_password_hash("910f4aff69c6c642b3756489bb81a94"));
  EXPECT_FALSE(is_password_hash("910f4aff69c6c642b3756489bb81a9455"));
  EXPECT_FALSE(is_password_hash("910f4aff69c6c642b3756489bb81a94g"));
  EXPECT_FALSE(is_password_hash("123456"));
}

}  // namespace
}  // namespace tsna
