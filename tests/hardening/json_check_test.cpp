// json_check_test.cpp - the audit log checker the crash test relies on accepts real records and
// refuses what is not JSON or not an audit record. Pure: no server, no files.
#include "support/json_check.hpp"

#include <gtest/gtest.h>

namespace tsna::testing {
namespace {

using namespace std::string_literals;

constexpr std::string_view kRecord =
    R"({"ts":"2024-11-09T16:12:00.123Z","peer":"127.0.0.1:5000","user":null,)"
    R"("dialect":"tsna2","cmd":"register bob ***","code":200})";

TEST(JsonCheck, ParsesAnObjectAndDecodesItsStrings) {
  const auto o = parse_json_object(R"( {"a":"x\u00e9\ud83d\ude00\n","b":-1.5e+3,"c":[1,{}],)"
                                   R"("d":true,"e":null} )");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->at("a").value, "x\xc3\xa9\xf0\x9f\x98\x80\n");
  EXPECT_EQ(o->at("b").kind, JsonKind::kNumber);
  EXPECT_EQ(o->at("b").value, "-1.5e+3");
  EXPECT_EQ(o->at("c").kind, JsonKind::kArray);
  EXPECT_EQ(o->at("d").value, "true");
  EXPECT_EQ(o->at("e").kind, JsonKind::kNull);
}

TEST(JsonCheck, RefusesEverythingThatIsNotStrictJson) {
  const std::string bad[] = {
      "",
      "[]",
      "{",
      R"({"a":1,})",
      R"({"a":01})",
      R"({"a":1.})",
      R"({'a':1})",
      R"({"a":1}{"b":2})",
      R"({"a":1,"a":2})",
      "{\"a\":\"\t\"}",
      "{\"a\":\"\xff\"}",
      "{\"a\":\"\xed\xa0\x80\"}",
      R"({"a":"\ud800"})",
      R"({"a":"\x"})",
      R"({"a":tru})",
      R"({"a":1} x)",
      R"({"a":"unterminated})",
  };
  for (const std::string& text : bad) {
    EXPECT_FALSE(parse_json_object(text).has_value()) << text;
  }
}

TEST(JsonCheck, AcceptsAnAuditRecord) {
  EXPECT_EQ(audit_record_problem(kRecord), "");
}

TEST(JsonCheck, RefusesRecordsThatBreakTheAuditLogRules) {
  std::string unredacted(kRecord);
  unredacted.replace(unredacted.find("***"), 3, "910f4aff69c6c642b3756489bb81a945");
  EXPECT_EQ(audit_record_problem(unredacted),
            "cmd holds a run of 32 or more hex digits (an unredacted secret)");
  std::string bad_ts(kRecord);
  bad_ts.replace(bad_ts.find(".123Z"), 5, "Z");
  EXPECT_EQ(audit_record_problem(bad_ts), "ts is not RFC 3339 UTC with milliseconds");
  std::string bad_code(kRecord);
  bad_code.replace(bad_code.find("200"), 3, "500");
  EXPECT_EQ(audit_record_problem(bad_code), "code is not 200, 300, 400 or null");
  EXPECT_EQ(audit_record_problem(R"({"ts":"2024-11-09T16:12:00.123Z"})"),
            "has 1 members, not 6 (7 with login)");
}

TEST(JsonCheck, LoginMemberIsAcceptedOnAnAnswerRecordOnly) {
  const std::string answer =
      R"({"ts":"2024-11-09T16:12:00.123Z","peer":"127.0.0.1:6016","user":null,)"
      R"("dialect":"tsna2","cmd":"***","login":"carol","code":400})";
  EXPECT_EQ(audit_record_problem(answer), "");
  std::string on_a_command = answer;
  on_a_command.replace(on_a_command.find(R"("cmd":"***")"), 11, R"("cmd":"ls")");
  EXPECT_EQ(audit_record_problem(on_a_command),
            "login is not a non-empty string on the record of a challenge answer (cmd \"***\")");
  std::string hex_name = answer;
  hex_name.replace(hex_name.find("carol"), 5, "910f4aff69c6c642b3756489bb81a945");
  EXPECT_EQ(audit_record_problem(hex_name),
            "login holds a run of 32 or more hex digits (an unredacted secret)");
}

TEST(JsonCheck, CountsRecordsAndATornTailAndNumbersBadLines) {
  const std::string log = std::string(kRecord) + "\n{oops}\n" + std::string(kRecord) + "\n" +
                          std::string(kRecord).substr(0, 20);
  const AuditLogCheck check = check_audit_log(log, 10);
  EXPECT_EQ(check.records, 2u);
  EXPECT_EQ(check.torn_tail_bytes, 20u);
  ASSERT_EQ(check.problems.size(), 1u);
  EXPECT_EQ(check.problems[0], "line 11: not one JSON object: {oops}");
}

TEST(JsonCheck, MembersComeInDocumentOrder) {
  const auto members = parse_json_members(R"({"b":1,"a":"x","c":null})");
  ASSERT_TRUE(members.has_value());
  ASSERT_EQ(members->size(), 3u);
  EXPECT_EQ((*members)[0].first, "b");
  EXPECT_EQ((*members)[0].second.value, "1");
  EXPECT_EQ((*members)[1].first, "a");
  EXPECT_EQ((*members)[1].second.value, "x");
  EXPECT_EQ((*members)[2].first, "c");
  EXPECT_EQ((*members)[2].second.kind, JsonKind::kNull);
  EXPECT_FALSE(parse_json_members(R"({"a":1,"a":2})").has_value());
}

TEST(JsonCheck, CompactRefusesWhitespaceOutsideStrings) {
  const JsonStrictness compact{.compact = true};
  EXPECT_TRUE(parse_json_members(R"({"a":"x y"})", compact).has_value());
  EXPECT_FALSE(parse_json_members(R"({"a": "x"})", compact).has_value());
  EXPECT_FALSE(parse_json_members(R"( {"a":"x"})", compact).has_value());
  EXPECT_FALSE(parse_json_members(R"({"a":"x"} )", compact).has_value());
  EXPECT_TRUE(parse_json_members(R"({"a": "x"} )").has_value());
}

TEST(JsonCheck, AsciiEscapesOnlyRefusesEscapedNonAscii) {
  const JsonStrictness ascii{.ascii_escapes_only = true};
  const auto control = parse_json_members(R"({"a":"\u001f\u007f"})", ascii);
  ASSERT_TRUE(control.has_value());
  EXPECT_EQ((*control)[0].second.value, "\x1f\x7f");
  EXPECT_FALSE(parse_json_members(R"({"a":"\u0080"})", ascii).has_value());
  EXPECT_FALSE(parse_json_members(R"({"a":"\ud83d\ude00"})", ascii).has_value());
  EXPECT_TRUE(parse_json_members(R"({"a":"\u0080"})").has_value());
}

TEST(JsonCheck, FindsSecretHexRunsOfThirtyTwoDigitsOrMore) {
  EXPECT_TRUE(has_secret_hex_run("login bob 910f4aff69c6c642b3756489bb81a945"));
  EXPECT_TRUE(has_secret_hex_run("910F4AFF69C6C642B3756489BB81A945"));
  EXPECT_FALSE(has_secret_hex_run("910f4aff69c6c642b3756489bb81a94 5"));
}

}  // namespace
}  // namespace tsna::testing
