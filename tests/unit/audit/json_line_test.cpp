// json_line_test.cpp - one audit record as one JSON line: key order, escaping, timestamps, nulls
// (SPEC 4.3). Pure: no files, fixed instants instead of a clock.
#include "audit/json_line.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace tsna {
namespace {

using std::chrono::milliseconds;

WallTime at_millis(std::int64_t ms) {
  return WallTime(milliseconds(ms));
}

std::string timestamp(WallTime t) {
  std::string out;
  append_rfc3339_millis(out, t);
  return out;
}

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

AuditEvent seed_login() {
  AuditEvent e;
  e.ts = at_millis(1731168720477);
  e.peer = "127.0.0.1:54022";
  e.user = std::nullopt;
  e.dialect = Dialect::kClassic;
  e.cmd = "login HaibinLai 910f4aff69c6c642b3756489bb81a945";
  e.code = 300;
  return e;
}

std::string line_of(const AuditEvent& e, std::size_t cmd_max_bytes = 512) {
  std::string out;
  append_json_line(out, e, cmd_max_bytes);
  return out;
}

TEST(JsonLine, SeedLoginBecomesOneRedactedRecordWithKeysInOrder) {
  EXPECT_EQ(line_of(seed_login()),
            R"({"ts":"2024-11-09T16:12:00.477Z","peer":"127.0.0.1:54022","user":null,)"
            R"("dialect":"classic","cmd":"login HaibinLai ***","code":300})"
            "\n");
}

TEST(JsonLine, LoggedInTsna2RecordCarriesUserAndCode) {
  AuditEvent e = seed_login();
  e.user = "HaibinLai";
  e.dialect = Dialect::kTsna2;
  e.cmd = "sum 1 2 3 4 5";
  e.code = 200;
  EXPECT_EQ(line_of(e),
            R"({"ts":"2024-11-09T16:12:00.477Z","peer":"127.0.0.1:54022","user":"HaibinLai",)"
            R"("dialect":"tsna2","cmd":"sum 1 2 3 4 5","code":200})"
            "\n");
}

TEST(JsonLine, CodeZeroIsNullAndOtherCodesAreNumbers) {
  AuditEvent e = seed_login();
  e.cmd = "ls";
  e.code = 0;
  EXPECT_NE(line_of(e).find(R"("cmd":"ls","code":null})"), std::string::npos) << line_of(e);
  e.code = 400;
  EXPECT_NE(line_of(e).find(R"("cmd":"ls","code":400})"), std::string::npos) << line_of(e);
}

TEST(JsonLine, AnswerIsRecordedAsStars) {
  AuditEvent e = seed_login();
  e.user = "bob";
  e.dialect = Dialect::kTsna2;
  e.cmd =
      "0123456789abcdef0123456789abcdef "
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  e.is_answer = true;
  e.code = 200;
  EXPECT_EQ(line_of(e), R"({"ts":"2024-11-09T16:12:00.477Z","peer":"127.0.0.1:54022","user":"bob",)"
                        R"("dialect":"tsna2","cmd":"***","code":200})"
                        "\n");
}

TEST(JsonLine, FailedAnswerNamesTheLoginItWasForBetweenCmdAndCode) {
  AuditEvent e = seed_login();
  e.dialect = Dialect::kTsna2;
  e.cmd = "0123456789abcdef0123456789abcdef 0123456789abcdef0123456789abcdef";
  e.is_answer = true;
  e.login = "carol";
  e.code = 400;
  EXPECT_EQ(line_of(e), R"({"ts":"2024-11-09T16:12:00.477Z","peer":"127.0.0.1:54022","user":null,)"
                        R"("dialect":"tsna2","cmd":"***","login":"carol","code":400})"
                        "\n");
}

TEST(JsonLine, LoginFieldIsEscapedAndRedactedAsAnyText) {
  AuditEvent e = seed_login();
  e.is_answer = true;
  e.login = "a\"b";
  e.code = 400;
  EXPECT_NE(line_of(e).find(R"("cmd":"***","login":"a\"b","code":400})"), std::string::npos)
      << line_of(e);
  e.login = "0123456789abcdef0123456789abcdef";  // a valid name, but shaped like a hash
  EXPECT_NE(line_of(e).find(R"("cmd":"***","login":"***","code":400})"), std::string::npos)
      << line_of(e);
}

TEST(JsonLine, AppendsToWhatTheBufferHolds) {
  std::string out = "previous\n";
  AuditEvent e = seed_login();
  e.cmd = "ls";
  append_json_line(out, e, 512);
  EXPECT_EQ(out,
            "previous\n"
            R"({"ts":"2024-11-09T16:12:00.477Z","peer":"127.0.0.1:54022","user":null,)"
            R"("dialect":"classic","cmd":"ls","code":300})"
            "\n");
}

TEST(JsonLine, CmdIsEscapedAfterItIsCut) {
  // The 512-byte cap applies to the text; escaping may then make the field longer.
  AuditEvent e = seed_login();
  e.cmd = "\"\"\"\"\"\"";
  const std::string line = line_of(e, 4);
  EXPECT_NE(line.find(R"("cmd":"\"\"\"\"","code")"), std::string::npos) << line;
}

TEST(JsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_string("plain"), R"("plain")");
  EXPECT_EQ(json_string(R"(say "hi")"), R"("say \"hi\"")");
  EXPECT_EQ(json_string(R"(C:\dir)"), R"("C:\\dir")");
  EXPECT_EQ(json_string("a\nb\rc\td"), R"("a\nb\rc\td")");
  EXPECT_EQ(json_string(std::string_view("\0", 1)), R"("\u0000")");
  EXPECT_EQ(json_string("\x01\x08\x0c\x1b\x1f\x7f"), R"("\u0001\u0008\u000c\u001b\u001f\u007f")");
  EXPECT_EQ(json_string(" ~"), R"(" ~")");
  EXPECT_EQ(json_string("caf\xC3\xA9"), "\"caf\xC3\xA9\"");
  EXPECT_EQ(json_string("\xff\""), "\"\xEF\xBF\xBD\\\"\"");
  EXPECT_EQ(json_string(""), R"("")");
}

TEST(JsonString, EveryByteValueHasExactlyOneEscaping) {
  for (int b = 0; b < 0x80; ++b) {
    const char c = static_cast<char>(b);
    std::string expected;
    switch (c) {
      case '"':
        expected = R"(\")";
        break;
      case '\\':
        expected = R"(\\)";
        break;
      case '\n':
        expected = R"(\n)";
        break;
      case '\r':
        expected = R"(\r)";
        break;
      case '\t':
        expected = R"(\t)";
        break;
      default:
        if (b < 0x20 || b == 0x7f) {
          constexpr char kHex[] = "0123456789abcdef";
          expected = std::string("\\u00") + kHex[b >> 4] + kHex[b & 15];
        } else {
          expected = std::string(1, c);
        }
    }
    EXPECT_EQ(json_string(std::string_view(&c, 1)), "\"" + expected + "\"") << "byte " << b;
  }
  for (int b = 0x80; b < 0x100; ++b) {
    const char c = static_cast<char>(b);
    EXPECT_EQ(json_string(std::string_view(&c, 1)), "\"\xEF\xBF\xBD\"") << "byte " << b;
  }
}

TEST(JsonLine, PeerAndUserAreSanitisedAndEscaped) {
  AuditEvent e = seed_login();
  e.peer = "[::1]:\xff\"";
  e.user = "bo\nb\xC3";
  e.cmd = "ls";
  e.code = 200;
  EXPECT_EQ(line_of(e),
            "{\"ts\":\"2024-11-09T16:12:00.477Z\",\"peer\":\"[::1]:\xEF\xBF\xBD\\\"\","
            "\"user\":\"bo\\nb\xEF\xBF\xBD\",\"dialect\":\"classic\",\"cmd\":\"ls\","
            "\"code\":200}\n");
}

TEST(JsonLine, NulAndControlCharactersInCmdAreEscaped) {
  AuditEvent e = seed_login();
  constexpr char kCmd[] = "sum\0 1\x1b[2J \"x\"\\";
  e.cmd = std::string_view(kCmd, sizeof kCmd - 1);
  e.code = 400;
  EXPECT_NE(line_of(e).find(R"("cmd":"sum\u0000 1\u001b[2J \"x\"\\","code":400})"),
            std::string::npos)
      << line_of(e);
}

TEST(Rfc3339, FormatsKnownInstants) {
  EXPECT_EQ(timestamp(at_millis(1731168720477)), "2024-11-09T16:12:00.477Z");
  EXPECT_EQ(timestamp(at_millis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(timestamp(at_millis(1709164800000)), "2024-02-29T00:00:00.000Z");  // leap day
  EXPECT_EQ(timestamp(at_millis(1709251199999)), "2024-02-29T23:59:59.999Z");
  EXPECT_EQ(timestamp(at_millis(1709251200000)), "2024-03-01T00:00:00.000Z");
  EXPECT_EQ(timestamp(at_millis(951782400000)), "2000-02-29T00:00:00.000Z");   // 400-year rule
  EXPECT_EQ(timestamp(at_millis(4107542400000)), "2100-03-01T00:00:00.000Z");  // no 2100-02-29
  EXPECT_EQ(timestamp(at_millis(2147483648000)), "2038-01-19T03:14:08.000Z");  // past int32 s
  EXPECT_EQ(timestamp(at_millis(4102444799999)), "2099-12-31T23:59:59.999Z");
  EXPECT_EQ(timestamp(at_millis(1704067199999)), "2023-12-31T23:59:59.999Z");
  EXPECT_EQ(timestamp(at_millis(-1)), "1969-12-31T23:59:59.999Z");
}

TEST(Rfc3339, TruncatesToTheMillisecond) {
  const WallTime t = at_millis(1731168720477) + std::chrono::microseconds(999);
  EXPECT_EQ(timestamp(t), "2024-11-09T16:12:00.477Z");
}

TEST(Rfc3339, AgreesWithGmtimeOverFourHundredYears) {
  // Every 1 000 003 s step from 1900 to 2262 (crosses every leap-year rule), against gmtime_r.
  for (std::int64_t s = -2208988800; s < 9214646400; s += 1000003) {
    const std::time_t tt = static_cast<std::time_t>(s);
    std::tm tm{};
    ASSERT_NE(gmtime_r(&tt, &tm), nullptr);
    char expected[32];
    std::strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%S", &tm);
    ASSERT_EQ(timestamp(at_millis(s * 1000 + 123)), std::string(expected) + ".123Z")
        << "second " << s;
  }
}

}  // namespace
}  // namespace tsna
