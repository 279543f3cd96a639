// reply_parser_test.cpp - replies as the client reads and shows them (SPEC 1.1-1.3, 5.1):
// classic parsing, TSNA/2 multi-line assembly into the classic text, terminal-safe display.
#include "client/reply_parser.hpp"

#include <gtest/gtest.h>

namespace tsna::client {
namespace {

constexpr std::string_view kHelpLoggedOut =
    "Available commends: \n\t?\n\thelp\n\texit\n\tlogin {name} {password}\n\tregister {name} "
    "{password}";

TEST(ClassicReply, CodeAndTextAreSplitAtTheFirstColon) {
  const std::optional<Reply> r = parse_classic_reply("200:15.0");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, 200);
  EXPECT_EQ(r->text, "15.0");
  EXPECT_TRUE(r->ok());
}

TEST(ClassicReply, TextKeepsItsColonsAndNewlines) {
  const std::string classic = "200:" + std::string(kHelpLoggedOut);
  const std::optional<Reply> r = parse_classic_reply(classic);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->text, kHelpLoggedOut);
  EXPECT_EQ(parse_classic_reply("400:a:b")->text, "a:b");
}

TEST(ClassicReply, EmptyTextIsAReply) {
  EXPECT_EQ(parse_classic_reply("400:")->text, "");
}

TEST(ClassicReply, AnythingElseIsNotAReply) {
  EXPECT_FALSE(parse_classic_reply("success").has_value());
  EXPECT_FALSE(parse_classic_reply("20:x").has_value());
  EXPECT_FALSE(parse_classic_reply("2x0:x").has_value());
  EXPECT_FALSE(parse_classic_reply("200-x").has_value());
  EXPECT_FALSE(parse_classic_reply("").has_value());
}

TEST(Tsna2Reply, OneLineIsOneReply) {
  ReplyAssembler a;
  EXPECT_EQ(a.add_line("400:lack of number!"), ReplyAssembler::Step::kDone);
  const Reply r = a.take();
  EXPECT_EQ(r.code, 400);
  EXPECT_EQ(r.text, "lack of number!");
  EXPECT_FALSE(r.ok());
}

TEST(Tsna2Reply, MultiLineHelpBecomesTheClassicText) {
  ReplyAssembler a;
  EXPECT_EQ(a.add_line("200-Available commends: "), ReplyAssembler::Step::kNeedMore);
  EXPECT_EQ(a.add_line("200-\t?"), ReplyAssembler::Step::kNeedMore);
  EXPECT_EQ(a.add_line("200-\thelp"), ReplyAssembler::Step::kNeedMore);
  EXPECT_EQ(a.add_line("200-\texit"), ReplyAssembler::Step::kNeedMore);
  EXPECT_EQ(a.add_line("200-\tlogin {name} {password}"), ReplyAssembler::Step::kNeedMore);
  EXPECT_EQ(a.add_line("200:\tregister {name} {password}"), ReplyAssembler::Step::kDone);
  const Reply r = a.take();
  EXPECT_EQ(format_reply(r), "200:" + std::string(kHelpLoggedOut));
}

TEST(Tsna2Reply, CarriageReturnBeforeTheLineEndIsDropped) {
  ReplyAssembler a;
  EXPECT_EQ(a.add_line("200:3.5\r"), ReplyAssembler::Step::kDone);
  EXPECT_EQ(a.take().text, "3.5");
}

TEST(Tsna2Reply, ChallengeIsCodeThreeHundred) {
  ReplyAssembler a;
  EXPECT_EQ(a.add_line("300:00112233445566778899aabbccddeeff"), ReplyAssembler::Step::kDone);
  const Reply r = a.take();
  EXPECT_TRUE(r.is_challenge());
  EXPECT_EQ(r.text, "00112233445566778899aabbccddeeff");
}

TEST(Tsna2Reply, ContinuationWithAnotherCodeIsAnError) {
  ReplyAssembler a;
  EXPECT_EQ(a.add_line("200-first"), ReplyAssembler::Step::kNeedMore);
  EXPECT_EQ(a.add_line("400:second"), ReplyAssembler::Step::kError);
}

TEST(Tsna2Reply, LineWithoutACodeIsAnError) {
  ReplyAssembler a;
  EXPECT_EQ(a.add_line("success"), ReplyAssembler::Step::kError);
  a.reset();
  EXPECT_EQ(a.add_line("200"), ReplyAssembler::Step::kError);
}

TEST(Tsna2Reply, TakeResetsForTheNextReply) {
  ReplyAssembler a;
  a.add_line("200-x");
  a.add_line("200:y");
  EXPECT_EQ(a.take().text, "x\ny");
  a.add_line("400:z");
  EXPECT_EQ(format_reply(a.take()), "400:z");
}

TEST(ReplyDisplay, FormatIsCodeColonText) {
  EXPECT_EQ(format_reply(Reply{200, "0.30000000000000004"}), "200:0.30000000000000004");
  EXPECT_EQ(format_reply(Reply{400, "Please enter Valid number! divide $(number1) $(number2) "}),
            "400:Please enter Valid number! divide $(number1) $(number2) ");
}

TEST(ReplyDisplay, ControlCharactersOtherThanTabAndNewlineAreShownAsQuestionMarks) {
  EXPECT_EQ(terminal_safe("a\x1b[31mb\tc\nd\x7f\x07"), "a?[31mb\tc\nd??");
  EXPECT_EQ(terminal_safe("中文 ok"), "中文 ok");
}

}  // namespace
}  // namespace tsna::client
