// number_fuzz.cpp - libFuzzer target for parse_number and append_python_repr (SPEC 2.3):
// parse accepts exactly the SPEC grammar and gives glibc strtod's correctly rounded value
// (refusing only overflow); repr prints the shortest round-trip digits in Python's layout, and
// parse(repr(x)) == x bit for bit. The input is the text; its first 8 bytes are also tried as
// a double's bits. Fuzz-only; depends on src/commands.
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"

namespace tsna {
namespace {

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// SPEC 2.3, read as a regular expression: [+-]? (D+ .? D* | . D+) ([eE] [+-]? D+)?
bool in_grammar(std::string_view s) {
  const auto digits = [&s]() {
    std::size_t n = 0;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
      s.remove_prefix(1);
      ++n;
    }
    return n;
  };
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    s.remove_prefix(1);
  }
  std::size_t mantissa = digits();
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    mantissa += digits();
  }
  if (mantissa == 0) {
    return false;
  }
  if (!s.empty() && (s.front() == 'e' || s.front() == 'E')) {
    s.remove_prefix(1);
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
      s.remove_prefix(1);
    }
    if (digits() == 0) {
      return false;
    }
  }
  return s.empty();
}

// Python's repr(float) from first principles: the fewest significant digits (by printf's
// correctly rounded %.*e) that read back as x, laid out as SPEC 2.3 says.
std::string reference_repr(double x, int& digit_count) {
  char buf[64];
  int precision = 1;
  for (; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, x);
    if (same_bits(std::strtod(buf, nullptr), x)) {
      break;
    }
  }
  const std::string_view sci = buf;
  const std::size_t e = sci.find('e');
  std::string digits;
  for (const char c : sci.substr(0, e)) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    }
  }
  digit_count = static_cast<int>(digits.size());
  const int decpt = std::atoi(buf + e + 1) + 1;
  std::string out = std::signbit(x) ? "-" : "";
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0." + std::string(static_cast<std::size_t>(-decpt), '0') + digits;
    } else if (decpt < digit_count) {
      out += digits.substr(0, static_cast<std::size_t>(decpt)) + "." +
             digits.substr(static_cast<std::size_t>(decpt));
    } else {
      out += digits + std::string(static_cast<std::size_t>(decpt - digit_count), '0') + ".0";
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) {
    out += "." + digits.substr(1);
  }
  char exponent[16];
  std::snprintf(exponent, sizeof exponent, "e%+03d", decpt - 1);
  return out + exponent;
}

// The significant digits of a repr text (leading zeros and the exponent left out).
int significant_digits(std::string_view repr) {
  const std::size_t e = repr.find('e');
  std::string digits;
  for (const char c : repr.substr(0, e)) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    }
  }
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) {
    return 1;
  }
  const std::size_t last = digits.find_last_not_of('0');
  return static_cast<int>(last - first + 1);
}

void check_repr(double x) {
  const std::string text = python_repr(x);
  std::string appended = "prefix";
  append_python_repr(appended, x);
  TSNA_FUZZ_CHECK(appended == "prefix" + text, appended);
  const std::optional<double> back = parse_number(text);
  TSNA_FUZZ_CHECK(back && same_bits(*back, x), text);
  int reference_digits = 0;
  const std::string reference = reference_repr(x, reference_digits);
  // The shortest string can beat printf's nearest one at a power of two, where the gap below x
  // is half the gap above: then a shorter, farther string may still read back as x.
  TSNA_FUZZ_CHECK(text == reference || significant_digits(text) < reference_digits,
                  text + " vs reference " + reference);
}

}  // namespace
}  // namespace tsna

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tsna;
  if (size > 4096) {
    return 0;  // a request is at most 4096 bytes (SPEC 1.2)
  }
  // Exactly the input's size, so ASan sees a read past its end.
  const std::string text(fuzz::as_chars(data, size));
  const std::optional<double> parsed = parse_number(text);
  if (!in_grammar(text)) {
    TSNA_FUZZ_CHECK(!parsed, "accepted outside the grammar: " + text);
  } else {
    errno = 0;
    const double reference = std::strtod(text.c_str(), nullptr);
    const bool overflow = errno == ERANGE && std::isinf(reference);
    if (overflow) {
      TSNA_FUZZ_CHECK(!parsed, "accepted an overflow: " + text);
    } else {
      TSNA_FUZZ_CHECK(parsed, "refused a number: " + text);
      TSNA_FUZZ_CHECK(
          same_bits(*parsed, reference),
          text + " parsed as " + python_repr(*parsed) + ", strtod gives " + python_repr(reference));
    }
  }
  if (parsed) {
    TSNA_FUZZ_CHECK(std::isfinite(*parsed), text);
    check_repr(*parsed);
  }
  if (size >= 8) {
    double bits = 0.0;
    std::memcpy(&bits, data, sizeof bits);
    if (std::isfinite(bits)) {
      check_repr(bits);
    }
  }
  return 0;
}
