// words.hpp - how a request line splits into words (SPEC 2.1): runs of spaces and tabs separate
// them and blanks around the line are ignored. The dispatcher, the session, the audit redaction
// and the client all split with these. Pure; depends on nothing.
#pragma once

#include <string_view>
#include <vector>

namespace tsna {

inline constexpr std::string_view kWordSeparators = " \t";

constexpr bool is_word_separator(char c) {
  return c == ' ' || c == '\t';
}

// `line` without the spaces and tabs around it (empty if it holds nothing else).
constexpr std::string_view trim_blanks(std::string_view line) {
  const std::size_t first = line.find_first_not_of(kWordSeparators);
  if (first == std::string_view::npos) {
    return {};
  }
  return line.substr(first, line.find_last_not_of(kWordSeparators) - first + 1);
}

// The first word, or empty for a blank line.
constexpr std::string_view first_word(std::string_view line) {
  const std::string_view rest = trim_blanks(line);
  return rest.substr(0, rest.find_first_of(kWordSeparators));
}

// The words of `line` into `words` (cleared first): no allocation once it has the capacity.
void split_words(std::string_view line, std::vector<std::string_view>& words);
std::vector<std::string_view> split_words(std::string_view line);

}  // namespace tsna
