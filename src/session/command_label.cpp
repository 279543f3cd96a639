// command_label.cpp - the command label of a message (command_label.hpp), from the command
// table's own names.
#include "session/command_label.hpp"

#include "commands/command.hpp"
#include "common/words.hpp"

namespace tsna {
namespace {

// After the table's names, in this order.
constexpr std::string_view kHelloLabel = "hello";
constexpr std::string_view kAnswerLabel = "answer";
constexpr std::string_view kOtherLabel = "other";

}  // namespace

const std::vector<std::string>& command_labels() {
  static const std::vector<std::string> labels = [] {
    std::vector<std::string> all;
    for (const std::string_view name : command_names()) {
      all.emplace_back(name);
    }
    all.emplace_back(kHelloLabel);
    all.emplace_back(kAnswerLabel);
    all.emplace_back(kOtherLabel);
    return all;
  }();
  return labels;
}

std::size_t command_label(std::string_view message, bool is_answer) {
  const std::span<const std::string_view> names = command_names();
  if (is_answer) {
    return names.size() + 1;
  }
  const std::string_view word = first_word(message);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == word) {
      return i;
    }
  }
  return word == kHelloLabel ? names.size() : names.size() + 2;
}

}  // namespace tsna
