// reply_head_test.cpp - the head of a reply line: three digits, then ':' (last line) or '-'
// (continuation), as tsna and tsna-bench read it (SPEC 1.2, 1.3).
#include "protocol/reply_head.hpp"

#include <gtest/gtest.h>

namespace tsna {
namespace {

TEST(ReplyHead, ColonMarksTheLastLineAndDashAContinuation) {
  const std::optional<ReplyHead> last = parse_reply_head("200:6.0");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->code, 200);
  EXPECT_TRUE(last->last);
  const std::optional<ReplyHead> more = parse_reply_head("400-first of two");
  ASSERT_TRUE(more.has_value());
  EXPECT_EQ(more->code, 400);
  EXPECT_FALSE(more->last);
}

TEST(ReplyHead, AnythingElseHasNoHead) {
  EXPECT_FALSE(parse_reply_head("success").has_value());
  EXPECT_FALSE(parse_reply_head("200").has_value());
  EXPECT_FALSE(parse_reply_head("20x:text").has_value());
  EXPECT_FALSE(parse_reply_head("200 text").has_value());
  EXPECT_FALSE(parse_reply_head("+PONG").has_value());
}

TEST(ReplyHead, LastLineWithACodeMatchesOnlyThatCodesLastLine) {
  EXPECT_TRUE(is_last_line_with("200:", Code::kOk));
  EXPECT_TRUE(is_last_line_with("300:00112233445566778899aabbccddeeff", Code::kChallenge));
  EXPECT_TRUE(is_last_line_with("400:Username is already in users!", Code::kFail));
  EXPECT_FALSE(is_last_line_with("200-Available commends: ", Code::kOk));
  EXPECT_FALSE(is_last_line_with("400:lack of number!", Code::kOk));
}

}  // namespace
}  // namespace tsna
