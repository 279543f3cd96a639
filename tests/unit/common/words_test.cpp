// words_test.cpp - request lines split at runs of spaces and tabs, blanks around ignored
// (SPEC 2.1).
#include "common/words.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace tsna {
namespace {

using Words = std::vector<std::string_view>;

TEST(Words, RunsOfSpacesAndTabsSeparateWords) {
  EXPECT_EQ(split_words(" sum\t1  \t 2 "), (Words{"sum", "1", "2"}));
}

TEST(Words, BlankOrEmptyLinesHaveNoWords) {
  EXPECT_EQ(split_words(""), Words{});
  EXPECT_EQ(split_words(" \t "), Words{});
}

TEST(Words, OtherWhitespaceIsPartOfAWord) {
  EXPECT_EQ(split_words("a\rb\nc d"), (Words{"a\rb\nc", "d"}));
}

TEST(Words, SplittingIntoAVectorReplacesWhatItHeld) {
  Words words{"old", "words"};
  split_words("help", words);
  EXPECT_EQ(words, Words{"help"});
}

TEST(Words, TrimmingRemovesOnlySpacesAndTabsAroundTheLine) {
  EXPECT_EQ(trim_blanks(" \texit \t"), "exit");
  EXPECT_EQ(trim_blanks("sum  1 2"), "sum  1 2");
  EXPECT_EQ(trim_blanks("\rexit\n"), "\rexit\n");
  EXPECT_EQ(trim_blanks(" \t "), "");
}

}  // namespace
}  // namespace tsna
