// words.cpp - word splitting of request lines (SPEC 2.1). Pure.
#include "common/words.hpp"

namespace tsna {

void split_words(std::string_view line, std::vector<std::string_view>& words) {
  words.clear();
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_word_separator(line[i])) {
      ++i;
    }
    const std::size_t start = i;
    while (i < line.size() && !is_word_separator(line[i])) {
      ++i;
    }
    if (i > start) {
      words.push_back(line.substr(start, i - start));
    }
  }
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  split_words(line, words);
  return words;
}

}  // namespace tsna
