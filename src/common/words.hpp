// words.hpp - how a request line splits into words (SPEC 2.1): runs of spaces and tabs separate
// them and blanks around the line are ignored; the client plans a line with the same rule the
// server's commands apply. Pure; depends on nothing.
#pragma once

#include <string_view>
#include <vector>

namespace tsna {

// `line` without the spaces and tabs around it.
std::string_view trim_blanks(std::string_view line);

// The words of `line` into `words` (cleared first): no allocation once it has the capacity.
void split_words(std::string_view line, std::vector<std::string_view>& words);
std::vector<std::string_view> split_words(std::string_view line);

}  // namespace tsna
