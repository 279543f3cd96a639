// completion.hpp - which words tab completion offers (SPEC 5.4): the commands valid in the
// current state of the session (SPEC 2.1), or `exit` at the host prompt. Pure: no libedit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tsna::client {

enum class CompletionState {
  kHostPrompt,  // asking for IP:port: only `exit` is a word
  kLoggedOut,   // ? help ls exit login register
  kLoggedIn,    // ? help ls exit logout changepwd sum sub subtract multiply divide
};

const std::vector<std::string_view>& commands_for(CompletionState state);

struct Completion {
  std::string insert;                     // text to add at the cursor (may be empty)
  std::vector<std::string_view> matches;  // every candidate starting with the word, in order
};

// Completes `word`, the first word of the line up to the cursor. One match: its rest plus a
// space. Several: their longest common prefix beyond `word` (the caller lists `matches` when
// that adds nothing). None: nothing.
Completion complete_command(std::string_view word, CompletionState state);

}  // namespace tsna::client
