// command_test.cpp - every row of SPEC 2.1's table, both states, both dialects: the state is
// checked first, then the argument count, then the arguments.
#include "commands/command.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tsna {
namespace {

constexpr std::string_view kHash = "910f4aff69c6c642b3756489bb81a945";
constexpr std::string_view kHelpOut =
    "Available commends: \n\t?\n\thelp\n\texit\n\tlogin {name} {password}\n\tregister {name} "
    "{password}";
constexpr std::string_view kHelpIn =
    "Available commands: \n\t?\n\thelp\n\texit\n\tlogout\n\tchangepwd {newpassword}\n\tsum [a] "
    "[b] ...\n\tsub [a] [b]\n\tmultiply [a] [b] ...\n\tdivide [a] [b]";

struct Dispatched {
  Outcome outcome;
  std::string text;  // copied: the outcome may view the scratch buffer
};

Dispatched run(std::string_view line, std::optional<std::string_view> user,
               Dialect dialect = Dialect::kClassic, bool allow_classic = true) {
  static std::string scratch;
  CommandContext ctx;
  ctx.dialect = dialect;
  ctx.allow_classic_login = allow_classic;
  ctx.user = user;
  Dispatched r{dispatch(line, ctx, scratch), {}};
  r.text = std::string(r.outcome.text);
  return r;
}

// The reply as the classic wire shows it, for kReply outcomes.
std::string reply_of(std::string_view line, std::optional<std::string_view> user,
                     Dialect dialect = Dialect::kClassic) {
  const Dispatched r = run(line, user, dialect);
  EXPECT_EQ(r.outcome.action, Action::kReply) << line;
  return (r.outcome.ok ? "200:" : "400:") + r.text;
}

std::string out(std::string_view line) {
  return reply_of(line, std::nullopt);
}
std::string in(std::string_view line) {
  return reply_of(line, "bob");
}

TEST(Command, HelpListsBeforeLogin) {
  for (const char* cmd : {"?", "help", "ls", "  help  ", "\thelp"}) {
    EXPECT_EQ(out(cmd), "200:" + std::string(kHelpOut)) << cmd;
  }
}

TEST(Command, HelpListsAfterLogin) {
  for (const char* cmd : {"?", "help", "ls"}) {
    EXPECT_EQ(in(cmd), "200:" + std::string(kHelpIn)) << cmd;
  }
}

TEST(Command, UnknownCommandBeforeLoginIsInvalidCommand) {
  for (const char* cmd : {"logout", "changepwd x", "sum 1 2", "", "   ", "\t", "foo", "HELP",
                          "exit now", "help me", "ls -l", "? ?", "hello TSNA/2"}) {
    EXPECT_EQ(out(cmd), "400:Invalid command") << '"' << cmd << '"';
  }
}

TEST(Command, UnknownCommandAfterLoginPointsToHelp) {
  for (const char* cmd : {"foo", "", " ", "Sum 1 2", "hello", "EXIT"}) {
    EXPECT_EQ(in(cmd), "400:Invalid command! Please use help to show commands!") << cmd;
  }
}

TEST(Command, NulAndInvalidUtf8GetTheStatesUnknownCommandReply) {
  using namespace std::string_literals;
  EXPECT_EQ(out("help\0"s), "400:Invalid command");
  EXPECT_EQ(out("\xff\xfe"), "400:Invalid command");
  EXPECT_EQ(in("sum 1\0 2"s), "400:Invalid command! Please use help to show commands!");
  EXPECT_EQ(in("sum \xc3\x28"), "400:Invalid command! Please use help to show commands!");
}

TEST(Command, HelpAndLogoutWithArgumentsAfterLoginAsksWhatAreYouDoing) {
  for (const char* cmd : {"? x", "help me", "ls -l", "logout now", "exit 1 DROP TABLE ALL"}) {
    EXPECT_EQ(in(cmd), "400:What are you doing?") << cmd;
  }
}

TEST(Command, ExitDisconnectsInBothStates) {
  for (auto user : {std::optional<std::string_view>{}, std::optional<std::string_view>{"bob"}}) {
    const Dispatched r = run("exit", user);
    EXPECT_EQ(r.outcome.action, Action::kExit);
    EXPECT_EQ(r.text, "disconnected");
  }
}

TEST(Command, RegisterChecksCountThenNameThenHash) {
  EXPECT_EQ(out("register"), "400:Please re-enter the command with username and password");
  EXPECT_EQ(out("register bob"), "400:Please re-enter the command with username and password");
  EXPECT_EQ(out("register bob a b"), "400:Username or password shouldn't include spaces");
  EXPECT_EQ(out("register bo:b " + std::string(kHash)), "400:Invalid username");
  EXPECT_EQ(out("register " + std::string(65, 'a') + " " + std::string(kHash)),
            "400:Invalid username");
  EXPECT_EQ(out("register bob 123456"), "400:Invalid password hash");
  EXPECT_EQ(out("register bob 910F4AFF69C6C642B3756489BB81A945"), "400:Invalid password hash");
  const std::string line = "register  bob\t" + std::string(kHash);
  const Dispatched r = run(line, std::nullopt);
  EXPECT_EQ(r.outcome.action, Action::kRegister);
  EXPECT_EQ(r.outcome.name, "bob");
  EXPECT_EQ(r.outcome.hash, kHash);
}

TEST(Command, RegisterWhileLoggedInIsRefusedWhateverItsArguments) {
  for (const char* cmd : {"register", "register bob", "register a b c"}) {
    EXPECT_EQ(in(cmd), "400:The register command can only be done when not logging!") << cmd;
  }
}

TEST(Command, ClassicLoginChecksCountThenNameThenHash) {
  EXPECT_EQ(out("login"), "400:Please re-enter the login command with your username and password");
  EXPECT_EQ(out("login bob"),
            "400:Please re-enter the login command with your username and password");
  EXPECT_EQ(out("login bob a b"), "400:Password shouldn't include spaces");
  EXPECT_EQ(out("login haibin 123456"), "400:Invalid password hash");
  const std::string line = "login         haibin " + std::string(kHash);
  const Dispatched r = run(line, std::nullopt);
  EXPECT_EQ(r.outcome.action, Action::kLoginClassic);
  EXPECT_EQ(r.outcome.name, "haibin");
  EXPECT_EQ(r.outcome.hash, kHash);
}

TEST(Command, Tsna2LoginIsRetiredForAuth) {
  for (const std::string& line :
       std::vector<std::string>{"login", "login bob", "login bob " + std::string(kHash)}) {
    EXPECT_EQ(reply_of(line, std::nullopt, Dialect::kTsna2),
              "400:TSNA/2 logs in with auth SCRAM-SHA-256; please update your client")
        << line;
  }
}

TEST(Command, Tsna2AuthTakesAMechanismAndOneMessage) {
  const Dispatched r =
      run("auth  SCRAM-SHA-256\tbj0sbj1ib2Iscj1hYmM=", std::nullopt, Dialect::kTsna2);
  EXPECT_EQ(r.outcome.action, Action::kAuth);
  EXPECT_EQ(r.outcome.name, "SCRAM-SHA-256");
  EXPECT_EQ(r.outcome.hash, "bj0sbj1ib2Iscj1hYmM=");
  for (const char* line : {"auth", "auth SCRAM-SHA-256", "auth SCRAM-SHA-256 a b"}) {
    EXPECT_EQ(reply_of(line, std::nullopt, Dialect::kTsna2), "400:Authentication Failed!") << line;
  }
  EXPECT_EQ(reply_of("auth SCRAM-SHA-256 x", "bob", Dialect::kTsna2),
            "400:You have logged in bob, please logout before you want to change to other user");
  // Classic has no auth command, with or without --allow-classic.
  EXPECT_EQ(reply_of("auth SCRAM-SHA-256 x", std::nullopt, Dialect::kClassic),
            "400:Invalid command");
  EXPECT_EQ(run("auth SCRAM-SHA-256 x", std::nullopt, Dialect::kClassic, false).text,
            "Invalid command");
}

TEST(Command, RegisterAsksTheSessionsNameTestAfterTheSyntaxAndBeforeTheHash) {
  static std::string scratch;
  CommandContext ctx;
  ctx.dialect = Dialect::kTsna2;
  ctx.registrable_name = [](std::string_view name) { return name != "IX"; };
  EXPECT_EQ(dispatch("register IX " + std::string(kHash), ctx, scratch).text, "Invalid username");
  EXPECT_EQ(dispatch("register IX nothash", ctx, scratch).text, "Invalid username");
  EXPECT_EQ(dispatch("register XI " + std::string(kHash), ctx, scratch).action, Action::kRegister);
}

TEST(Command, LoginWhileLoggedInNamesTheCurrentUser) {
  for (Dialect d : {Dialect::kClassic, Dialect::kTsna2}) {
    EXPECT_EQ(reply_of("login alice", "bob", d),
              "400:You have logged in bob, please logout before you want to change to other "
              "user");
  }
}

TEST(Command, LogoutNamesTheUser) {
  const Dispatched r = run("logout", "HaibinLai");
  EXPECT_EQ(r.outcome.action, Action::kLogout);
  EXPECT_EQ(r.text, "Logout from current user: HaibinLai");
}

TEST(Command, ChangepwdNeedsExactlyOneWellFormedHash) {
  EXPECT_EQ(in("changepwd"), "400:Invalid password, please don't contain blank on password");
  EXPECT_EQ(in("changepwd sd 45b1d51b9f5dce02af737a7dc8e73ef4"),
            "400:Invalid password, please don't contain blank on password");
  EXPECT_EQ(in("changepwd 1266"), "400:Invalid password hash");
  const std::string line = "changepwd " + std::string(kHash);
  const Dispatched r = run(line, "bob");
  EXPECT_EQ(r.outcome.action, Action::kChangePassword);
  EXPECT_EQ(r.outcome.hash, kHash);
}

TEST(Command, ClassicSecretCommandsAreRefusedFirstWithoutAllowClassic) {
  for (const char* cmd : {"login", "login bob x y", "register bob", "changepwd", "  changepwd a"}) {
    const Dispatched r = run(cmd, std::nullopt, Dialect::kClassic, false);
    EXPECT_FALSE(r.outcome.ok);
    EXPECT_EQ(r.text, "Classic login is disabled on this server; use a TSNA/2 client") << cmd;
  }
  const Dispatched help = run("help", std::nullopt, Dialect::kClassic, false);
  EXPECT_TRUE(help.outcome.ok);
  const Dispatched tsna2 = run("register bob", std::nullopt, Dialect::kTsna2, false);
  EXPECT_EQ(tsna2.text, "Please re-enter the command with username and password");
}

TEST(Command, CalculatorTranscriptsOfTheSeed) {
  EXPECT_EQ(in("sum 1 2 3 4 5"), "200:15.0");
  EXPECT_EQ(in("sum 1.4 2.5"), "200:3.9");
  EXPECT_EQ(in("sum -45 15.34"), "200:-29.66");
  EXPECT_EQ(in("sum 0.2 0.1"), "200:0.30000000000000004");
  EXPECT_EQ(in("sum       1 2 3 4"), "200:10.0");
  EXPECT_EQ(in("multiply 2 3"), "200:6.0");
  EXPECT_EQ(in("multiply 2 0"), "200:0.0");
  EXPECT_EQ(in("multiply -1 -1"), "200:1.0");
  EXPECT_EQ(in("multiply 223.4 5.3"), "200:1184.02");
  EXPECT_EQ(in("sub 3 5"), "200:-2.0");
  EXPECT_EQ(in("sub 123 24"), "200:99.0");
  EXPECT_EQ(in("subtract 23 45"), "200:-22.0");
  EXPECT_EQ(in("divide 7 2"), "200:3.5");
}

TEST(Command, CalculatorErrors) {
  for (const char* cmd : {"sum", "multiply", "sub", "subtract", "divide"}) {
    EXPECT_EQ(in(cmd), "400:lack of number!") << cmd;
  }
  EXPECT_EQ(in("sub 123 23 45"), "400:Please enter Valid number! subtract $(number1) $(number2) ");
  EXPECT_EQ(in("sub 1"), "400:Please enter Valid number! subtract $(number1) $(number2) ");
  EXPECT_EQ(in("subtract 1 2 3"), "400:Please enter Valid number! subtract $(number1) $(number2) ");
  EXPECT_EQ(in("divide 1"), "400:Please enter Valid number! divide $(number1) $(number2) ");
  EXPECT_EQ(in("divide 1 2 3"), "400:Please enter Valid number! divide $(number1) $(number2) ");
  EXPECT_EQ(in("divide 1 0"), "400:The dividend cannot be zero!");
  EXPECT_EQ(in("divide 1 -0.0"), "400:The dividend cannot be zero!");
  for (const char* cmd : {"sum 1 x", "sum nan", "sum inf", "multiply 1 -inf", "sub 1 NaN",
                          "divide 1 1_0", "sum 0x10", "sum 1e400"}) {
    EXPECT_EQ(in(cmd), "400:Please enter Valid number!") << cmd;
  }
  EXPECT_EQ(in("multiply 1e308 10"), "400:Result is out of range!");
  EXPECT_EQ(in("sum 1e308 1e308"), "400:Result is out of range!");
  EXPECT_EQ(in("divide 1e308 1e-308"), "400:Result is out of range!");
}

TEST(Command, CalculatorPrintsAsPythonRepr) {
  EXPECT_EQ(in("sum 0.0001"), "200:0.0001");
  EXPECT_EQ(in("sum 0.00001"), "200:1e-05");
  EXPECT_EQ(in("sum 1e15"), "200:1000000000000000.0");
  EXPECT_EQ(in("sum 1e16"), "200:1e+16");
  EXPECT_EQ(in("multiply -1 0"), "200:-0.0");
  EXPECT_EQ(in("sum 5e-324"), "200:5e-324");
  EXPECT_EQ(in("sum 1.7976931348623157e+308"), "200:1.7976931348623157e+308");
}

}  // namespace
}  // namespace tsna
