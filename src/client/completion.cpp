// completion.cpp - command-name completion by prefix. Pure.
#include "client/completion.hpp"

namespace tsna::client {

const std::vector<std::string_view>& commands_for(CompletionState state) {
  static const std::vector<std::string_view> kHost = {"exit"};
  static const std::vector<std::string_view> kLoggedOut = {"?",    "help",  "ls",
                                                           "exit", "login", "register"};
  static const std::vector<std::string_view> kLoggedIn = {"?",        "help",      "ls",    "exit",
                                                          "logout",   "changepwd", "sum",   "sub",
                                                          "subtract", "multiply",  "divide"};
  switch (state) {
    case CompletionState::kHostPrompt:
      return kHost;
    case CompletionState::kLoggedOut:
      return kLoggedOut;
    case CompletionState::kLoggedIn:
      break;
  }
  return kLoggedIn;
}

Completion complete_command(std::string_view word, CompletionState state) {
  Completion out;
  for (std::string_view candidate : commands_for(state)) {
    if (candidate.starts_with(word)) {
      out.matches.push_back(candidate);
    }
  }
  if (out.matches.empty()) {
    return out;
  }
  if (out.matches.size() == 1) {
    out.insert = std::string(out.matches[0].substr(word.size())) + " ";
    return out;
  }
  std::size_t common = out.matches[0].size();
  for (std::string_view m : out.matches) {
    std::size_t i = 0;
    while (i < common && i < m.size() && m[i] == out.matches[0][i]) {
      ++i;
    }
    common = i;
  }
  out.insert = std::string(out.matches[0].substr(word.size(), common - word.size()));
  return out;
}

}  // namespace tsna::client
