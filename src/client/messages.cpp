// messages.cpp - the locale choice for the client's texts, and the lines built from parts. Pure:
// reads the environment only through the lookup it is given.
#include "client/messages.hpp"

#include <initializer_list>

namespace tsna::client {

bool is_chinese_locale(const EnvLookup& env) {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = env(name);
    if (value != nullptr && value[0] != '\0') {
      return std::string_view(value).starts_with("zh");
    }
  }
  return false;
}

const LocaleTexts& texts_for_locale(const EnvLookup& env) {
  return is_chinese_locale(env) ? kChineseTexts : kEnglishTexts;
}

std::string msg::unproven_server(std::string_view display) {
  return "The server at " + std::string(display) +
         " did not prove that it knows your password verifier; it may be an impostor. Closing "
         "the connection";
}

}  // namespace tsna::client
