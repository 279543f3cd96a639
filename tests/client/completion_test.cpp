// completion_test.cpp - tab completion offers only the commands valid in the current state
// (SPEC 5.4, 2.1). Pure: no libedit.
#include "client/completion.hpp"

#include <gtest/gtest.h>

namespace tsna::client {
namespace {

using Words = std::vector<std::string_view>;

TEST(Completion, LoggedOutOffersTheSixCommandsBeforeLogin) {
  EXPECT_EQ(complete_command("", CompletionState::kLoggedOut).matches,
            (Words{"?", "help", "ls", "exit", "login", "register"}));
}

TEST(Completion, LoggedInOffersTheElevenCommandsAfterLogin) {
  EXPECT_EQ(complete_command("", CompletionState::kLoggedIn).matches,
            (Words{"?", "help", "ls", "exit", "logout", "changepwd", "sum", "sub", "subtract",
                   "multiply", "divide"}));
}

TEST(Completion, OneMatchIsCompletedWithASpace) {
  EXPECT_EQ(complete_command("lo", CompletionState::kLoggedOut).insert, "gin ");
  EXPECT_EQ(complete_command("lo", CompletionState::kLoggedIn).insert, "gout ");
  EXPECT_EQ(complete_command("re", CompletionState::kLoggedOut).insert, "gister ");
  EXPECT_EQ(complete_command("subt", CompletionState::kLoggedIn).insert, "ract ");
  EXPECT_EQ(complete_command("e", CompletionState::kHostPrompt).insert, "xit ");
}

TEST(Completion, SeveralMatchesAddOnlyTheirCommonPrefix) {
  const Completion c = complete_command("s", CompletionState::kLoggedIn);
  EXPECT_EQ(c.insert, "u");
  EXPECT_EQ(c.matches, (Words{"sum", "sub", "subtract"}));
  const Completion sub = complete_command("sub", CompletionState::kLoggedIn);
  EXPECT_EQ(sub.insert, "");
  EXPECT_EQ(sub.matches, (Words{"sub", "subtract"}));
}

TEST(Completion, CommandsOfTheOtherStateAreNotOffered) {
  EXPECT_TRUE(complete_command("su", CompletionState::kLoggedOut).matches.empty());
  EXPECT_TRUE(complete_command("reg", CompletionState::kLoggedIn).matches.empty());
  EXPECT_TRUE(complete_command("log", CompletionState::kHostPrompt).matches.empty());
}

}  // namespace
}  // namespace tsna::client
