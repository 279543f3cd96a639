// command_label_test.cpp - which command label the metrics count a message under: the fixed
// set of the command table's names, "hello", "answer" and "other".
#include "session/command_label.hpp"

#include <gtest/gtest.h>

namespace tsna {
namespace {

std::string label_of(std::string_view message, bool is_answer = false) {
  return command_labels().at(command_label(message, is_answer));
}

TEST(CommandLabel, IsTheCommandTablesNamesThenHelloAnswerAndOther) {
  EXPECT_EQ(command_labels(),
            (std::vector<std::string>{"?", "help", "ls", "exit", "login", "register", "auth",
                                      "logout", "changepwd", "sum", "sub", "subtract", "multiply",
                                      "divide", "hello", "answer", "other"}));
}

TEST(CommandLabel, NamesAMessageByItsFirstWord) {
  EXPECT_EQ(label_of("sum 1 2"), "sum");
  EXPECT_EQ(label_of("  divide 1 0"), "divide");
  EXPECT_EQ(label_of("auth SCRAM-SHA-256 alice"), "auth");
  EXPECT_EQ(label_of("hello TSNA/2"), "hello");
  EXPECT_EQ(label_of("?"), "?");
}

TEST(CommandLabel, CountsAnythingElseAsOther) {
  EXPECT_EQ(label_of("frobnicate"), "other");
  EXPECT_EQ(label_of("SUM 1 2"), "other");
  EXPECT_EQ(label_of(""), "other");
  EXPECT_EQ(label_of("answer"), "other");  // only a real answer to a challenge is "answer"
  EXPECT_EQ(label_of(std::string(1000, 'x')), "other");
}

TEST(CommandLabel, CountsTheAnswerToAChallengeAsAnswerWhateverItHolds) {
  EXPECT_EQ(label_of("sum 1 2", /*is_answer=*/true), "answer");
  EXPECT_EQ(label_of("", /*is_answer=*/true), "answer");
}

}  // namespace
}  // namespace tsna
