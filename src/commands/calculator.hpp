// calculator.hpp - sum, sub/subtract, multiply and divide over Python-compatible floats
// (SPEC 2.1, 2.3). Pure: arguments in, reply text out.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace tsna {

enum class Operation { kSum, kSubtract, kMultiply, kDivide };

struct CalcResult {
  bool ok = false;
  std::string_view text;  // the number (in `scratch`) when ok, else the error reply text
};

// `args` are the words after the command name. The result text views `scratch` or a
// static message.
CalcResult calculate(Operation op, std::span<const std::string_view> args, std::string& scratch);

}  // namespace tsna
