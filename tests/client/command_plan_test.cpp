// command_plan_test.cpp - the password glue (SPEC 5.3): which typed lines ask for a password,
// what goes on the wire instead of it (the ntlm hash, or "***" where the server refuses the
// line anyway), progress lines, and which lines may enter the history (SPEC 5.4).
#include "client/command_plan.hpp"

#include <gtest/gtest.h>

namespace tsna::client {
namespace {

constexpr bool kLoggedIn = true;
constexpr bool kLoggedOut = false;

TEST(CommandPlan, InlineRegisterSendsTheNtlmHashOfThePassword) {
  const CommandPlan plan = plan_command("register bob 123456", kLoggedOut);
  ASSERT_EQ(plan.kind, CommandKind::kRegister);
  EXPECT_EQ(plan.user, "bob");
  ASSERT_TRUE(plan.inline_password.has_value());
  EXPECT_EQ(register_request(plan.user, hash_password(*plan.inline_password)),
            "register bob 910f4aff69c6c642b3756489bb81a945");
  EXPECT_EQ(plan.progress, "registering");
}

TEST(CommandPlan, InlineChangepwdSendsTheNtlmHashOfTheNewPassword) {
  const CommandPlan plan = plan_command("changepwd 123", kLoggedIn);
  ASSERT_EQ(plan.kind, CommandKind::kChangepwd);
  ASSERT_TRUE(plan.inline_password.has_value());
  EXPECT_EQ(changepwd_request(hash_password(*plan.inline_password)),
            "changepwd b3358c3dc3c4b063dd668b7f6620c3d2");
  EXPECT_EQ(plan.progress, "changepwding");
}

TEST(CommandPlan, InlineClassicLoginSendsTheHashLikeTheSeed) {
  const CommandPlan plan = plan_command("login HaibinLai 123456", kLoggedOut);
  ASSERT_EQ(plan.kind, CommandKind::kLogin);
  EXPECT_EQ(plan.user, "HaibinLai");
  EXPECT_FALSE(plan.confirm);
  EXPECT_EQ(classic_login_request(plan.user, hash_password(*plan.inline_password)),
            "login HaibinLai 910f4aff69c6c642b3756489bb81a945");
  EXPECT_EQ(plan.progress, "logining");
}

TEST(CommandPlan, PromptedPasswordMayHoldSpacesAndAnyCharacter) {
  EXPECT_EQ(hash_password(Secret("p@ss w0rd")).view(), "a5d020979035a757aa2e1a52383c3550");
  EXPECT_EQ(hash_password(Secret("中文pass")).view(), "04f6fe9da40f9438383e53a081397c5d");
}

TEST(CommandPlan, LoginWithOnlyANameAsksOnce) {
  const CommandPlan plan = plan_command("login bob", kLoggedOut);
  EXPECT_EQ(plan.kind, CommandKind::kLogin);
  EXPECT_FALSE(plan.inline_password.has_value());
  EXPECT_FALSE(plan.confirm);
}

TEST(CommandPlan, RegisterWithOnlyANameAsksTwice) {
  const CommandPlan plan = plan_command("register bob", kLoggedOut);
  EXPECT_EQ(plan.kind, CommandKind::kRegister);
  EXPECT_FALSE(plan.inline_password.has_value());
  EXPECT_TRUE(plan.confirm);
}

TEST(CommandPlan, ChangepwdAloneAsksTwice) {
  const CommandPlan plan = plan_command("changepwd", kLoggedIn);
  EXPECT_EQ(plan.kind, CommandKind::kChangepwd);
  EXPECT_FALSE(plan.inline_password.has_value());
  EXPECT_TRUE(plan.confirm);
}

TEST(CommandPlan, TooManyArgumentsAreRedactedAndLeftToTheServer) {
  EXPECT_EQ(plan_command("login bob my secret", kLoggedOut).wire, "login bob *** ***");
  EXPECT_EQ(plan_command("register bob my secret", kLoggedOut).wire, "register bob *** ***");
  EXPECT_EQ(plan_command("changepwd my secret", kLoggedIn).wire, "changepwd *** ***");
  EXPECT_EQ(plan_command("login bob my secret", kLoggedOut).kind, CommandKind::kPlain);
}

TEST(CommandPlan, CommandsTheStateRefusesAskForNothing) {
  const CommandPlan login = plan_command("login bob secret", kLoggedIn);
  EXPECT_EQ(login.kind, CommandKind::kPlain);
  EXPECT_EQ(login.wire, "login bob ***");
  EXPECT_EQ(login.progress, "logining");
  EXPECT_EQ(plan_command("register bob secret", kLoggedIn).wire, "register bob ***");
  EXPECT_EQ(plan_command("changepwd secret", kLoggedOut).wire, "changepwd ***");
  EXPECT_EQ(plan_command("changepwd", kLoggedOut).wire, "changepwd");
}

TEST(CommandPlan, MissingNameIsSentForTheServersMessage) {
  EXPECT_EQ(plan_command("login", kLoggedOut).wire, "login");
  EXPECT_EQ(plan_command("register", kLoggedOut).wire, "register");
}

TEST(CommandPlan, OtherCommandsGoAsTypedWithoutSurroundingBlanks) {
  const CommandPlan plan = plan_command("  sum\t1  2 ", kLoggedIn);
  EXPECT_EQ(plan.kind, CommandKind::kPlain);
  EXPECT_EQ(plan.wire, "sum\t1  2");
  EXPECT_EQ(plan.progress, "");
}

TEST(CommandPlan, BlankLinesSendNothing) {
  EXPECT_EQ(plan_command("", kLoggedOut).kind, CommandKind::kBlank);
  EXPECT_EQ(plan_command(" \t ", kLoggedIn).kind, CommandKind::kBlank);
}

TEST(CommandPlan, WordsAreSplitAtRunsOfSpacesAndTabs) {
  const std::vector<std::string_view> words = split_words(" a\t\tb  c ");
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[0], "a");
  EXPECT_EQ(words[1], "b");
  EXPECT_EQ(words[2], "c");
}

TEST(History, LinesThatMayHoldAPasswordNeverEnter) {
  EXPECT_FALSE(may_enter_history("login bob secret"));
  EXPECT_FALSE(may_enter_history("login bob"));
  EXPECT_FALSE(may_enter_history("  register bob secret"));
  EXPECT_FALSE(may_enter_history("changepwd secret"));
  EXPECT_FALSE(may_enter_history("\tchangepwd"));
  EXPECT_FALSE(may_enter_history("loginbob secret"));
  EXPECT_FALSE(may_enter_history(""));
  EXPECT_FALSE(may_enter_history("   "));
}

TEST(History, OtherLinesEnter) {
  EXPECT_TRUE(may_enter_history("sum 1 2"));
  EXPECT_TRUE(may_enter_history("exit"));
  EXPECT_TRUE(may_enter_history("127.0.0.1:6016"));
  EXPECT_TRUE(may_enter_history("logout"));
}

TEST(Secret, MovingLeavesTheSourceEmpty) {
  Secret a("hunter2");
  Secret b(std::move(a));
  EXPECT_EQ(b.view(), "hunter2");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the wipe is the behaviour
  b.clear();
  EXPECT_TRUE(b.empty());
}

}  // namespace
}  // namespace tsna::client
