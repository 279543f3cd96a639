// command_label.hpp - which value of the metrics' command label a message is counted under: a
// name of the command table, "hello", "answer" (to a challenge) or "other". A fixed set, so
// nothing a peer sends can add a series. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tsna {

// Every value, in index order (what metrics::Registry is made with).
const std::vector<std::string>& command_labels();

// The index in command_labels() of `message` (is_answer: the answer to a challenge).
std::size_t command_label(std::string_view message, bool is_answer);

}  // namespace tsna
