// words.hpp - how a request splits into words (SPEC 2.1): runs of spaces or tabs separate them,
// leading and trailing ones are ignored. The dispatcher, the session, the audit redaction and the
// client all split with these. Pure; depends on nothing.
#pragma once

#include <string_view>
#include <vector>

namespace tsna {

inline constexpr std::string_view kWordSeparators = " \t";

constexpr bool is_word_separator(char c) {
  return c == ' ' || c == '\t';
}

// The line without leading and trailing separators (empty if it holds nothing else).
constexpr std::string_view trim_words(std::string_view line) {
  const std::size_t first = line.find_first_not_of(kWordSeparators);
  if (first == std::string_view::npos) {
    return {};
  }
  return line.substr(first, line.find_last_not_of(kWordSeparators) - first + 1);
}

// The first word, or empty for a blank line.
constexpr std::string_view first_word(std::string_view line) {
  const std::string_view rest = trim_words(line);
  return rest.substr(0, rest.find_first_of(kWordSeparators));
}

// Replaces `words` with the words of `line` (views into it). Reuses the vector's capacity.
void split_words(std::string_view line, std::vector<std::string_view>& words);

}  // namespace tsna
