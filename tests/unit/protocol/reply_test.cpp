// reply_test.cpp - reply encoding in both dialects (SPEC 1.1, 1.2).
#include "protocol/reply.hpp"

#include <gtest/gtest.h>

namespace tsna {
namespace {

std::string encode(Dialect d, Code c, std::string_view text) {
  std::string out;
  append_reply(out, d, c, text);
  return out;
}

TEST(Reply, ClassicRepliesHaveNoTerminator) {
  EXPECT_EQ(encode(Dialect::kClassic, Code::kOk, "15.0"), "200:15.0");
  EXPECT_EQ(encode(Dialect::kClassic, Code::kFail, "Invalid command"), "400:Invalid command");
}

TEST(Reply, ClassicMultiLineTextIsSentAsIs) {
  EXPECT_EQ(encode(Dialect::kClassic, Code::kOk, "a \n\tb"), "200:a \n\tb");
}

TEST(Reply, Tsna2SingleLineEndsInNewline) {
  EXPECT_EQ(encode(Dialect::kTsna2, Code::kChallenge, "00ff"), "300:00ff\n");
}

TEST(Reply, Tsna2MultiLineUsesDashContinuationAndKeepsTrailingSpaces) {
  EXPECT_EQ(encode(Dialect::kTsna2, Code::kOk,
                   "Available commends: \n\t?\n\thelp\n\texit\n\tlogin {name} "
                   "{password}\n\tregister {name} {password}"),
            "200-Available commends: \n200-\t?\n200-\thelp\n200-\texit\n200-\tlogin {name} "
            "{password}\n200:\tregister {name} {password}\n");
}

TEST(Reply, AppendsToWhatIsAlreadyBuffered) {
  std::string out = "200:TSNA/2\n";
  append_reply(out, Dialect::kTsna2, Code::kFail, "x");
  EXPECT_EQ(out, "200:TSNA/2\n400:x\n");
}

}  // namespace
}  // namespace tsna
