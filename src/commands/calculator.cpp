// calculator.cpp - the four arithmetic commands with the seed's error texts (SPEC 2.1).
#include "commands/calculator.hpp"

#include <cmath>

#include "commands/messages.hpp"
#include "commands/number.hpp"

namespace tsna {

CalcResult calculate(Operation op, std::span<const std::string_view> args, std::string& scratch) {
  if (args.empty()) {
    return {false, msg::kLackOfNumber};
  }
  if (op == Operation::kSubtract && args.size() != 2) {
    return {false, msg::kSubtractUsage};
  }
  if (op == Operation::kDivide && args.size() != 2) {
    return {false, msg::kDivideUsage};
  }
  // Left to right, as the seed's loop: sum from 0.0, multiply from 1.0 (SPEC 2.3).
  double acc = op == Operation::kMultiply ? 1.0 : 0.0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::optional<double> v = parse_number(args[i]);
    if (!v) {
      return {false, msg::kInvalidNumber};
    }
    switch (op) {
      case Operation::kSum:
        acc += *v;
        break;
      case Operation::kMultiply:
        acc *= *v;
        break;
      case Operation::kSubtract:
        acc = i == 0 ? *v : acc - *v;
        break;
      case Operation::kDivide:
        if (i == 0) {
          acc = *v;
        } else if (*v == 0.0) {
          return {false, msg::kDivideByZero};
        } else {
          acc /= *v;
        }
        break;
    }
  }
  if (!std::isfinite(acc)) {
    return {false, msg::kOutOfRange};
  }
  scratch.clear();
  append_python_repr(scratch, acc);
  return {true, scratch};
}

}  // namespace tsna
