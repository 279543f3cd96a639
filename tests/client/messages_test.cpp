// messages_test.cpp - which texts a locale gets (SPEC 5.1): the seed's Chinese under zh_*,
// English otherwise, with POSIX precedence LC_ALL > LC_MESSAGES > LANG.
#include "client/messages.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace tsna::client {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(Locale, ChineseLangGivesTheSeedsTexts) {
  const LocaleTexts& t = texts_for_locale(env_of({{"LANG", "zh_CN.UTF-8"}}));
  EXPECT_EQ(t.banner, "欢迎使用Telnet服务");
  EXPECT_EQ(t.host_prompt, "请输入要登录的主机{IP:port} or {exit} to leave：");
  EXPECT_EQ(t.goodbye, "欢迎下次使用");
}

TEST(Locale, OtherLocalesGiveEnglish) {
  const LocaleTexts& t = texts_for_locale(env_of({{"LANG", "C.UTF-8"}}));
  EXPECT_EQ(t.banner, "Welcome to the TSNA Telnet service");
  EXPECT_EQ(t.host_prompt, "Enter the host to log in to {IP:port} or {exit} to leave: ");
  EXPECT_EQ(t.goodbye, "Goodbye");
  EXPECT_FALSE(is_chinese_locale(env_of({})));
  EXPECT_FALSE(is_chinese_locale(env_of({{"LANG", "en_US.UTF-8"}})));
}

TEST(Locale, LcAllWinsOverLcMessagesAndLang) {
  EXPECT_FALSE(is_chinese_locale(env_of({{"LC_ALL", "en_US.UTF-8"}, {"LANG", "zh_CN.UTF-8"}})));
  EXPECT_TRUE(is_chinese_locale(env_of({{"LC_ALL", "zh_TW.UTF-8"}, {"LANG", "en_US.UTF-8"}})));
}

TEST(Locale, LcMessagesWinsOverLang) {
  EXPECT_TRUE(is_chinese_locale(env_of({{"LC_MESSAGES", "zh_CN"}, {"LANG", "C"}})));
  EXPECT_FALSE(is_chinese_locale(env_of({{"LC_MESSAGES", "C"}, {"LANG", "zh_CN"}})));
}

TEST(Locale, EmptyVariablesAreSkipped) {
  EXPECT_TRUE(is_chinese_locale(env_of({{"LC_ALL", ""}, {"LC_MESSAGES", ""}, {"LANG", "zh"}})));
}

}  // namespace
}  // namespace tsna::client
