// number_test.cpp - parse_number (Python float()) and python_repr (repr(float)), SPEC 2.3.
// Expected texts were produced by python3 (3.11, float_repr_style 'short') on the build machine.
#include "commands/number.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace tsna {
namespace {

std::uint64_t bits_of(double value) {
  return std::bit_cast<std::uint64_t>(value);
}

double from_bits(std::uint64_t bits) {
  return std::bit_cast<double>(bits);
}

constexpr double kDenormMin = std::numeric_limits<double>::denorm_min();

// Exact decimal digits of denorm_min / 2 (the halfway point between 0.0 and 5e-324), read as
// "2.4703...e-324". 753 significant digits; from Python's decimal module.
constexpr std::string_view kHalfDenormMinDigits =
    "247032822920623272088284396434110686182529901307162382212792841250337753635104375932649918"
    "180817996189898282347722858865463328355177969898199387398005390939063150356595155702263922"
    "908583924491051844359318028499365361525003193704576782492193656236698636584807570015857692"
    "699037063119282795585513329278343384093519780155312465972635795746227664652728272200563740"
    "064854999770965994704540208281662262378573934507363390079677619305775067401763246736009689"
    "513405355374585166611342237666786041621596804619144672918403005300575308490487653917113865"
    "916462395249126236538818796362393732804238910186723484976682350898633885879256283027559956"
    "575244555072551893136908362547791869486679949683240497058210285131854513962138377228261454"
    "37693412532098591327667236328125";

// Exact halfway point between DBL_MAX and 2^1024 (309 digits); ties round to even, i.e. to inf.
constexpr std::string_view kHalfAboveMax =
    "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977"
    "587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845"
    "817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559"
    "699508093042880177904174497792";

// Expects parse_number(text) to be exactly `expected`, bit for bit (so -0.0 != 0.0).
void expect_parses_to(std::string_view text, double expected) {
  const std::optional<double> got = parse_number(text);
  ASSERT_TRUE(got.has_value()) << "text: " << text;
  EXPECT_EQ(bits_of(*got), bits_of(expected))
      << "text: " << text << " got " << python_repr(*got) << " want " << python_repr(expected);
}

struct ParseCase {
  std::string_view text;
  double expected;
};

TEST(Number, AcceptsEveryFormOfTheGrammar) {
  const ParseCase cases[] = {
      {"12", 12.0},         {"-3.5", -3.5},
      {"+5", 5.0},          {"-.5", -0.5},
      {".5", 0.5},          {"5.", 5.0},
      {"+.5", 0.5},         {"1E5", 100000.0},
      {"1e-5", 1e-05},      {"1e+5", 100000.0},
      {"1e05", 100000.0},   {"2.5E-3", 0.0025},
      {"00012", 12.0},      {"000.000", 0.0},
      {"0.1", 0.1},         {"223.4", 223.4},
      {"-45", -45.0},       {"15.34", 15.34},
      {"1.5e300", 1.5e300}, {"123456789012345678", 123456789012345678.0},
  };
  for (const ParseCase& c : cases) {
    expect_parses_to(c.text, c.expected);
  }
}

TEST(Number, NegativeZeroKeepsItsSign) {
  expect_parses_to("-0", -0.0);
  expect_parses_to("-0.0", -0.0);
  expect_parses_to("-.0e5", -0.0);
  expect_parses_to("0", 0.0);
  expect_parses_to("+0", 0.0);
  EXPECT_TRUE(std::signbit(*parse_number("-0")));
  EXPECT_FALSE(std::signbit(*parse_number("0")));
}

TEST(Number, RejectsTextOutsideTheGrammar) {
  const std::string_view invalid[] = {
      "",         " 1",       "1 ",        "\t1",  "1\n",   "1_000",        "0x10", "0X10", "0x1p3",
      "nan",      "NaN",      "NAN",       "-nan", "inf",   "-inf",         "+inf", "Inf",  "INF",
      "Infinity", "infinity", "-Infinity", "1e",   "1e+",   "1e-",          "1E",   ".",    "-",
      "+",        "e5",       "E5",        ".e5",  "-.e5",  "+-1",          "-+1",  "--1",  "++1",
      "1.2.3",    "1..2",     "..",        "1e5.", "1e5e5", "1e+-5",        "1e 5", "1 e5", "1,5",
      "1d5",      "1f",       "0b1",       "1e5x", "x1",    "\xef\xbc\x91",  // fullwidth digit one
      "\xd9\xa1",  // arabic-indic digit one
      "- 1",      "1.5e",
  };
  for (const std::string_view text : invalid) {
    EXPECT_EQ(parse_number(text), std::nullopt) << "text: '" << text << "'";
  }
}

TEST(Number, EmbeddedNulIsRejected) {
  using namespace std::string_view_literals;
  EXPECT_EQ(parse_number("1\0"sv), std::nullopt);
  EXPECT_EQ(parse_number("\0"sv), std::nullopt);
  EXPECT_EQ(parse_number("1\0"
                         "2"sv),
            std::nullopt);
}

TEST(Number, TooLargeIsRejected) {
  EXPECT_EQ(parse_number("1e400"), std::nullopt);
  EXPECT_EQ(parse_number("-1e400"), std::nullopt);
  EXPECT_EQ(parse_number("1.7976931348623159e308"), std::nullopt);
  EXPECT_EQ(parse_number("1e99999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_number("0.00001e99999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_number(std::string(1, '1') + std::string(799, '0')), std::nullopt);
}

TEST(Number, LargestDoubleAndItsRoundingNeighboursParse) {
  const double max = std::numeric_limits<double>::max();
  expect_parses_to("1.7976931348623157e+308", max);
  expect_parses_to("1.7976931348623158e308", max);
  expect_parses_to("-1.7976931348623157e308", -max);
}

TEST(Number, ExactHalfwayAboveLargestDoubleIsTooLargeAndOneLessIsNot) {
  EXPECT_EQ(parse_number(kHalfAboveMax), std::nullopt);
  std::string below(kHalfAboveMax);
  ASSERT_EQ(below.back(), '2');
  below.back() = '1';
  expect_parses_to(below, std::numeric_limits<double>::max());
}

TEST(Number, TooSmallBecomesSignedZeroLikePython) {
  expect_parses_to("1e-400", 0.0);
  expect_parses_to("-1e-400", -0.0);
  expect_parses_to("2.4e-324", 0.0);
  expect_parses_to("-2.4e-324", -0.0);
  expect_parses_to("2.4703282292062327e-324", 0.0);
  expect_parses_to("1e-99999999999999999999", 0.0);
  expect_parses_to("-1e-99999999999999999999", -0.0);
  expect_parses_to("123456e-99999999999999999999", 0.0);
  expect_parses_to("0e99999999999999999999", 0.0);
  expect_parses_to("-0.000e-500", -0.0);
  expect_parses_to("0." + std::string(400, '0') + "1", 0.0);
  expect_parses_to("1" + std::string(400, '0') + "e-800", 0.0);
}

TEST(Number, SubnormalsRoundCorrectly) {
  expect_parses_to("5e-324", kDenormMin);
  expect_parses_to("4.9406564584124654e-324", kDenormMin);
  expect_parses_to("2.5e-324", kDenormMin);
  expect_parses_to("-2.5e-324", -kDenormMin);
  expect_parses_to("2.4703282292062328e-324", kDenormMin);
  expect_parses_to("1e-323", from_bits(2));
  expect_parses_to("4e-320", from_bits(0x1fa0));
  expect_parses_to("1e-320", from_bits(0x7e8));
  expect_parses_to("5e-310", from_bits(0x5c0ab9347ed7));
  expect_parses_to("2.2250738585072014e-308", std::numeric_limits<double>::min());
  expect_parses_to("2.225073858507201e-308", from_bits(0x000fffffffffffff));
}

TEST(Number, ExactHalfwayBelowSmallestSubnormalRoundsToEvenZero) {
  const std::string digits(kHalfDenormMinDigits);
  const std::string halfway = digits.substr(0, 1) + "." + digits.substr(1) + "e-324";
  expect_parses_to(halfway, 0.0);
  expect_parses_to("-" + halfway, -0.0);
  // One unit in the 754th significant digit above the halfway point.
  const std::string above = digits.substr(0, 1) + "." + digits.substr(1) + "1e-324";
  expect_parses_to(above, kDenormMin);
  expect_parses_to("-" + above, -kDenormMin);
  // The same value written without an exponent: "0.000...247...125".
  expect_parses_to("0." + std::string(323, '0') + digits, 0.0);
  expect_parses_to("0." + std::string(323, '0') + digits + "1", kDenormMin);
}

TEST(Number, VeryLongDigitStringsRoundCorrectly) {
  // 1 + 2^-53 exactly is the tie between 1.0 and the next double: ties go to even (1.0).
  const std::string tie = "1.00000000000000011102230246251565404236316680908203125";
  expect_parses_to(tie, 1.0);
  expect_parses_to(tie + std::string(750, '0') + "1", 1.0000000000000002);
  expect_parses_to(tie + std::string(750, '0'), 1.0);
  expect_parses_to("0." + std::string(800, '9'), 1.0);
  expect_parses_to("0." + std::string(799, '0') + "1e800", 1.0);
  expect_parses_to(std::string(800, '0') + "15.5", 15.5);
  expect_parses_to(std::string(400, '3') + "e-400", 0.3333333333333333);
}

struct ReprCase {
  double value;
  std::string_view text;
};

TEST(Number, ReprMatchesPython) {
  // Each text is python3's repr of the same expression.
  const ReprCase cases[] = {
      {15.0, "15.0"},
      {0.1 + 0.2, "0.30000000000000004"},
      {223.4 * 5.3, "1184.02"},
      {3.0 - 5.0, "-2.0"},
      {23.0 - 45.0, "-22.0"},
      {7.0 / 2.0, "3.5"},
      {2.0 * 3.0, "6.0"},
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {1.0, "1.0"},
      {0.0001, "0.0001"},
      {1e-05, "1e-05"},
      {0.00012345, "0.00012345"},
      {1.2345e-05, "1.2345e-05"},
      {0.001, "0.001"},
      {0.000999, "0.000999"},
      {1e15, "1000000000000000.0"},
      {1e16, "1e+16"},
      {9999999999999998.0, "9999999999999998.0"},
      {9007199254740992.0, "9007199254740992.0"},
      {12345678901234567.0, "1.2345678901234568e+16"},
      {123456789012345678.0, "1.2345678901234568e+17"},
      {123456789012345.67, "123456789012345.67"},
      {1234.5678e10, "12345678000000.0"},
      {9223372036854775808.0, "9.223372036854776e+18"},
      {5e-324, "5e-324"},
      {-5e-324, "-5e-324"},
      {1e-323, "1e-323"},
      {4e-320, "4e-320"},
      {5e-310, "5e-310"},
      {2.2250738585072014e-308, "2.2250738585072014e-308"},
      {1.7976931348623157e+308, "1.7976931348623157e+308"},
      {1e+100, "1e+100"},
      {1e22, "1e+22"},
      {1e23, "1e+23"},
      {6.02214076e23, "6.02214076e+23"},
      {1.5e+300, "1.5e+300"},
      {-1.5e-300, "-1.5e-300"},
      {-1e-07, "-1e-07"},
      {1.4 + 2.5, "3.9"},
      {-45.0 + 15.34, "-29.66"},
      {99.0, "99.0"},
      {100.0, "100.0"},
      {0.1, "0.1"},
      {1.1, "1.1"},
      {2.675, "2.675"},
      {1.0 / 3.0, "0.3333333333333333"},
      {2.0 / 3.0, "0.6666666666666666"},
      {-123.456, "-123.456"},
  };
  for (const ReprCase& c : cases) {
    EXPECT_EQ(python_repr(c.value), c.text);
  }
}

TEST(Number, FixedNotationRunsFromOneEMinusFourToBelowOneEPlusSixteen) {
  EXPECT_EQ(python_repr(0.0001), "0.0001");
  EXPECT_EQ(python_repr(std::nextafter(0.0001, 0.0)), "9.999999999999999e-05");
  EXPECT_EQ(python_repr(std::nextafter(1e16, 0.0)), "9999999999999998.0");
  EXPECT_EQ(python_repr(1e16), "1e+16");
}

TEST(Number, ExponentFormStartsAtOneEMinusFive) {
  EXPECT_EQ(python_repr(1e-05), "1e-05");
  EXPECT_EQ(python_repr(-1e-05), "-1e-05");
  EXPECT_EQ(python_repr(1.5e-05), "1.5e-05");
}

TEST(Number, ExponentHasAtLeastTwoDigits) {
  EXPECT_EQ(python_repr(1e+17), "1e+17");
  EXPECT_EQ(python_repr(1e-9), "1e-09");
  EXPECT_EQ(python_repr(1e+99), "1e+99");
  EXPECT_EQ(python_repr(1e-100), "1e-100");
}

TEST(Number, AppendKeepsWhatIsAlreadyInTheBuffer) {
  std::string out = "200:";
  append_python_repr(out, 15.0);
  EXPECT_EQ(out, "200:15.0");
  append_python_repr(out, -1e-07);
  EXPECT_EQ(out, "200:15.0-1e-07");
}

TEST(Number, NonFiniteValuesPrintAsPythonDoes) {
  // Outside the contract (callers refuse non-finite results), but still Python's text.
  EXPECT_EQ(python_repr(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(python_repr(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(python_repr(std::numeric_limits<double>::quiet_NaN()), "nan");
}

TEST(Number, ParsedTextPrintsBackAsPython) {
  // Parse and print together, as the calculator uses them.
  EXPECT_EQ(python_repr(*parse_number("1e-400")), "0.0");
  EXPECT_EQ(python_repr(*parse_number("-1e-400")), "-0.0");
  EXPECT_EQ(python_repr(*parse_number("-0")), "-0.0");
  EXPECT_EQ(python_repr(*parse_number("+5")), "5.0");
  EXPECT_EQ(python_repr(*parse_number("2.5e-324")), "5e-324");
  EXPECT_EQ(python_repr(*parse_number("9007199254740993")), "9007199254740992.0");
  EXPECT_EQ(python_repr(*parse_number("00012")), "12.0");
}

// Property: every finite double survives print-then-parse bit for bit, and the notation
// switches exactly where Python's does (fixed iff 1e-4 <= |x| < 1e16, or x == 0).
TEST(Number, ReprRoundTripsForRandomDoublesOverTheWholeRange) {
  std::mt19937_64 rng(20240601);
  std::string text;
  int checked = 0;
  while (checked < 300000) {
    std::uint64_t bits = rng();
    switch (checked % 4) {
      case 1:  // subnormals
        bits &= 0x800fffffffffffffULL;
        break;
      case 2:  // near the fixed/exponent boundaries
        bits = (bits & 0x800fffffffffffffULL) | (((bits >> 52) % 80 + 1023 - 40) << 52);
        break;
      case 3:  // few significant digits
        bits &= 0xffffffffff000000ULL;
        break;
      default:
        break;
    }
    const double value = from_bits(bits);
    if (!std::isfinite(value)) {
      continue;
    }
    ++checked;
    text.clear();
    append_python_repr(text, value);
    const std::optional<double> back = parse_number(text);
    ASSERT_TRUE(back.has_value()) << text;
    ASSERT_EQ(bits_of(*back), bits) << text;
    const double magnitude = std::fabs(value);
    const bool fixed = magnitude == 0.0 || (magnitude >= 1e-4 && magnitude < 1e16);
    ASSERT_EQ(text.find('e') == std::string::npos, fixed) << text;
    ASSERT_NE(text.find(fixed ? '.' : 'e'), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace tsna
