// number.cpp - Python float() parsing and repr(float) printing for the calculator (SPEC 2.3).
// Pure: depends on the standard library only (no locale, no network, no allocation when printing).
#include "commands/number.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <system_error>

namespace tsna {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Where the parts of a number that passed the SPEC 2.3 grammar lie in its text.
struct NumberShape {
  std::size_t mantissa_begin = 0;  // first digit or '.' after the sign
  std::size_t mantissa_end = 0;    // one past the mantissa ('e'/'E' or the end)
  std::size_t int_digits = 0;      // digits before the '.' (all of them if there is none)
  bool negative = false;
  bool exponent_negative = false;
  std::int64_t exponent = 0;  // saturated at kExponentCap; only its sign and size matter
};

// Far beyond any double exponent plus any mantissa we could be given, yet no overflow risk
// when added to a text length.
constexpr std::int64_t kExponentCap = 1'000'000'000'000;

// Checks the grammar by hand (from_chars alone would accept "inf", "nan" and hex forms with
// some formats, and Python's float() accepts whitespace and underscores that we refuse).
std::optional<NumberShape> scan(std::string_view text) {
  NumberShape shape;
  std::size_t i = 0;
  const std::size_t n = text.size();
  if (i < n && (text[i] == '+' || text[i] == '-')) {
    shape.negative = text[i] == '-';
    ++i;
  }
  shape.mantissa_begin = i;
  std::size_t digits = 0;
  bool seen_point = false;
  for (; i < n; ++i) {
    const char c = text[i];
    if (is_digit(c)) {
      ++digits;
      if (!seen_point) {
        ++shape.int_digits;
      }
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  shape.mantissa_end = i;
  if (digits == 0) {
    return std::nullopt;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) {
      shape.exponent_negative = text[i] == '-';
      ++i;
    }
    const std::size_t exponent_begin = i;
    for (; i < n && is_digit(text[i]); ++i) {
      if (shape.exponent < kExponentCap) {
        shape.exponent = shape.exponent * 10 + (text[i] - '0');
      }
    }
    if (i == exponent_begin) {
      return std::nullopt;
    }
  }
  if (i != n) {
    return std::nullopt;
  }
  return shape;
}

// from_chars reports result_out_of_range both when the value rounds to infinity and when it
// rounds to zero; it returns correctly rounded subnormals itself (checked against Python on
// GCC 12, including exact halfway cases with hundreds of digits). Python's float() gives a
// signed zero for the second case, so tell them apart by the decimal exponent of the first
// significant digit: a value below 1 cannot overflow, one of at least 1 cannot underflow.
std::optional<double> out_of_range_value(std::string_view text, const NumberShape& shape) {
  std::int64_t index = 0;  // position of the first nonzero digit among all mantissa digits
  bool found = false;
  for (std::size_t i = shape.mantissa_begin; i < shape.mantissa_end; ++i) {
    const char c = text[i];
    if (c == '.') {
      continue;
    }
    if (c != '0') {
      found = true;
      break;
    }
    ++index;
  }
  const double zero = shape.negative ? -0.0 : 0.0;
  if (!found) {
    return zero;
  }
  const std::int64_t exponent = shape.exponent_negative ? -shape.exponent : shape.exponent;
  const std::int64_t scientific =
      static_cast<std::int64_t>(shape.int_digits) - 1 - index + exponent;
  if (scientific < 0) {
    return zero;
  }
  return std::nullopt;
}

// Room for the longest shortest-form output: "-2.2250738585072014e-308" is 24 characters, and
// fixed notation is at most a sign, "0.000", 17 digits and ".0".
constexpr std::size_t kReprBuffer = 48;

}  // namespace

std::optional<double> parse_number(std::string_view text) {
  const std::optional<NumberShape> shape = scan(text);
  if (!shape) {
    return std::nullopt;
  }
  // from_chars refuses a leading '+', so skip it; a '-' it handles (including "-0").
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (!text.empty() && text.front() == '+') {
    ++begin;
  }
  double value = 0.0;
  const std::from_chars_result result =
      std::from_chars(begin, end, value, std::chars_format::general);
  if (result.ec == std::errc::result_out_of_range) {
    return out_of_range_value(text, *shape);
  }
  if (result.ec != std::errc() || result.ptr != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

void append_python_repr(std::string& out, double value) {
  // Outside the contract, but print what Python prints rather than something arbitrary.
  if (std::isnan(value)) {
    out.append("nan");
    return;
  }
  if (std::isinf(value)) {
    out.append(value < 0 ? "-inf" : "inf");
    return;
  }

  // Shortest round-trip digits, e.g. "-1.2345e-05", "5e-324", "0e+00".
  std::array<char, kReprBuffer> sci{};
  const std::to_chars_result sci_result =
      std::to_chars(sci.data(), sci.data() + sci.size(), value, std::chars_format::scientific);
  const char* p = sci.data();
  const char* const sci_end = sci_result.ptr;

  std::array<char, kReprBuffer> buf{};
  std::size_t len = 0;
  if (*p == '-') {
    buf[len++] = '-';
    ++p;
  }
  std::array<char, 20> digits{};
  std::size_t ndigits = 0;
  for (; p < sci_end && *p != 'e'; ++p) {
    if (*p != '.') {
      digits[ndigits++] = *p;
    }
  }
  int exponent = 0;
  ++p;  // 'e'
  const bool exponent_negative = *p == '-';
  ++p;  // to_chars always writes the exponent's sign
  std::from_chars(p, sci_end, exponent);
  if (exponent_negative) {
    exponent = -exponent;
  }
  // CPython's decpt: value = 0.d1d2d3... * 10^decpt.
  const int decpt = exponent + 1;
  const int count = static_cast<int>(ndigits);

  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      buf[len++] = '0';
      buf[len++] = '.';
      for (int i = decpt; i < 0; ++i) {
        buf[len++] = '0';
      }
      for (int i = 0; i < count; ++i) {
        buf[len++] = digits[i];
      }
    } else if (decpt < count) {
      for (int i = 0; i < count; ++i) {
        if (i == decpt) {
          buf[len++] = '.';
        }
        buf[len++] = digits[i];
      }
    } else {
      for (int i = 0; i < count; ++i) {
        buf[len++] = digits[i];
      }
      for (int i = count; i < decpt; ++i) {
        buf[len++] = '0';
      }
      buf[len++] = '.';
      buf[len++] = '0';
    }
  } else {
    buf[len++] = digits[0];
    if (count > 1) {
      buf[len++] = '.';
      for (int i = 1; i < count; ++i) {
        buf[len++] = digits[i];
      }
    }
    buf[len++] = 'e';
    const int shown = decpt - 1;
    buf[len++] = shown < 0 ? '-' : '+';
    const int magnitude = shown < 0 ? -shown : shown;
    if (magnitude < 10) {
      buf[len++] = '0';
    }
    const std::to_chars_result exp_result =
        std::to_chars(buf.data() + len, buf.data() + buf.size(), magnitude);
    len = static_cast<std::size_t>(exp_result.ptr - buf.data());
  }
  out.append(buf.data(), len);
}

std::string python_repr(double value) {
  std::string out;
  append_python_repr(out, value);
  return out;
}

}  // namespace tsna
