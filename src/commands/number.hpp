// number.hpp - the calculator's numbers: parse as Python's float() (SPEC 2.3) and print as
// Python's repr(float). Pure; no allocation on the append path.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tsna {

// SPEC 2.3 grammar: ASCII, optional sign, digits with at most one '.', at least one digit,
// optional e/E exponent with optional sign and at least one digit; the whole text consumed.
// No nan/inf/hex/underscores. Too small rounds to 0.0 or a subnormal; too large is nullopt.
std::optional<double> parse_number(std::string_view text);

// Appends repr(value) as CPython prints it ("15.0", "1e-05", "1e+16", "-0.0", "5e-324").
// `value` must be finite.
void append_python_repr(std::string& out, double value);
std::string python_repr(double value);

}  // namespace tsna
