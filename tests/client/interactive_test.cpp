// interactive_test.cpp - tsna on a pseudo-terminal against a real tsna-server (SPEC 5.1-5.4):
// the seed's flow and texts, the session display, password prompts with echo off, secrets
// kept off the screen and out of the history, Ctrl-C/Ctrl-D, completion, and faults (a server
// that cannot prove it holds the user's SCRAM verifier among them).
#include <gtest/gtest.h>
#include <termios.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "auth/ntlm.hpp"
#include "auth/scram_verifier.hpp"
#include "child_process.hpp"
#include "fake_server.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace tsna::testing {
namespace {

constexpr std::string_view kBanner = "Welcome to the TSNA Telnet service\n";
constexpr std::string_view kHostPrompt =
    "Enter the host to log in to {IP:port} or {exit} to leave: ";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool echo_on(const termios& t) {
  return (t.c_lflag & ECHO) != 0;
}

class Interactive : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new ServerProcess(dir_->path() / "data");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    server_ = nullptr;
    dir_ = nullptr;
  }

  static std::string address() { return "127.0.0.1:" + std::to_string(server_->port()); }
  static std::string unique_user(std::string_view stem) {
    static std::atomic<int> counter{0};
    return std::string(stem) + std::to_string(++counter);
  }
  // The client's environment: a private HOME and history file.
  Environment env(const Environment& extra = {}) const {
    Environment e = {{"HOME", home_.path().string()}, {"TSNA_HISTORY", history().string()}};
    for (const auto& [k, v] : extra) {
      e[k] = v;
    }
    return client_environment(e);
  }
  std::filesystem::path history() const { return home_.path() / "history"; }

  TempDir home_;
  static TempDir* dir_;
  static ServerProcess* server_;
};

TempDir* Interactive::dir_ = nullptr;
ServerProcess* Interactive::server_ = nullptr;

TEST_F(Interactive, SeedFlowShowsBannerPromptAndGoodbye) {
  PtyProcess tsna({}, env());
  ASSERT_TRUE(tsna.expect(kHostPrompt)) << tsna.screen();
  tsna.type("exit\r");
  EXPECT_EQ(tsna.wait_exit(), 0);
  EXPECT_EQ(tsna.screen(), std::string(kBanner) + std::string(kHostPrompt) + "exit\nGoodbye\n");
}

TEST_F(Interactive, EveryRefusedHostPrintsItsMessageAndPleaseTryAgain) {
  const std::string closed = "127.0.0.1:" + std::to_string(unused_port());
  PtyProcess tsna({}, env());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bad", "Invalid IP and port format. Please use ip:port with ipv4 form:  bad"},
      {"127.0.0.1:x",
       "Invalid IP and port format. Please use ip:port with ipv4 form:  127.0.0.1:x"},
      {"127.0.0.1:65536", "Invalid IP Port:  65536"},
      {"300.1.1.1:80", "Invalid IP"},
      {"0.0.0.0:80", "Invalid IP for 0.0.0.0, it represent all network interfaces."},
      {closed, "Connection fail!"},
  };
  std::string expected(kBanner);
  for (const auto& [input, message] : cases) {
    ASSERT_TRUE(tsna.expect(kHostPrompt)) << tsna.screen();
    tsna.type(input + "\r");
    ASSERT_TRUE(tsna.expect("Please try again\n")) << tsna.screen();
    expected += std::string(kHostPrompt) + input + "\n" + message + "\nPlease try again\n";
  }
  ASSERT_TRUE(tsna.expect(kHostPrompt));
  tsna.type("exit\r");
  EXPECT_EQ(tsna.wait_exit(), 0);
  expected += std::string(kHostPrompt) + "exit\nGoodbye\n";
  EXPECT_EQ(tsna.screen(), expected);
}

TEST_F(Interactive, SessionShowsThePromptBeforeEachReplyThenReturnsToTheHostPrompt) {
  PtyProcess tsna({}, env());
  const std::string p = address() + ":";
  ASSERT_TRUE(tsna.expect(kHostPrompt));
  tsna.type(address() + "\r");
  ASSERT_TRUE(tsna.expect("success\n" + p)) << tsna.screen();
  tsna.type("help\r");
  ASSERT_TRUE(tsna.expect("register {name} {password}\n" + p)) << tsna.screen();
  tsna.type("sum 1 2\r");
  ASSERT_TRUE(tsna.expect("400:Invalid command\n" + p)) << tsna.screen();
  tsna.type("exit\r");
  ASSERT_TRUE(tsna.expect(kHostPrompt)) << tsna.screen();
  tsna.type("exit\r");
  EXPECT_EQ(tsna.wait_exit(), 0);
  EXPECT_EQ(tsna.screen(), std::string(kBanner) + std::string(kHostPrompt) + address() +
                               "\nsuccess\n" + p + "help\n" + p +
                               "\n200:Available commends: \n\t?\n\thelp\n\texit\n\tlogin {name} "
                               "{password}\n\tregister {name} {password}\n" +
                               p + "sum 1 2\n" + p + "\n400:Invalid command\n" + p + "exit\n" + p +
                               "\n200:disconnected\n" + std::string(kBanner) +
                               std::string(kHostPrompt) + "exit\nGoodbye\n");
}

TEST_F(Interactive, LocalhostIsAccepted) {
  PtyProcess tsna({}, env());
  ASSERT_TRUE(tsna.expect(kHostPrompt));
  tsna.type("localhost:" + std::to_string(server_->port()) + "\r");
  EXPECT_TRUE(tsna.expect("success\nlocalhost:" + std::to_string(server_->port()) + ":"))
      << tsna.screen();
}

TEST_F(Interactive, DirectStartGoesStraightToTheSessionAndCtrlDLeavesIt) {
  PtyProcess tsna({address()}, env());
  ASSERT_TRUE(tsna.expect("success\n" + address() + ":")) << tsna.screen();
  tsna.type("\x04");
  EXPECT_TRUE(tsna.expect("Left the session\n")) << tsna.screen();
  EXPECT_EQ(tsna.wait_exit(), 0);
  EXPECT_EQ(tsna.screen().find("Welcome"), std::string::npos);
}

TEST_F(Interactive, DirectStartThatCannotConnectSaysWhyAndExitsTwo) {
  const std::string closed = "127.0.0.1:" + std::to_string(unused_port());
  PtyProcess tsna({closed}, env());
  EXPECT_EQ(tsna.wait_exit(), 2);
  EXPECT_EQ(tsna.screen(), "Connection fail! (" + closed + ": Connection refused)\n");
}

TEST_F(Interactive, PromptedPasswordsAreNotEchoedAndProgressLinesFollowTheSeed) {
  const std::string u = unique_user("kim");
  const std::string p = address() + ":";
  PtyProcess tsna({address()}, env());
  ASSERT_TRUE(tsna.expect(p));
  tsna.type("register " + u + "\r");
  ASSERT_TRUE(tsna.expect("Password: ")) << tsna.screen();
  EXPECT_FALSE(echo_on(tsna.modes()));
  tsna.type("first-Pw\r");
  ASSERT_TRUE(tsna.expect("Repeat password: ")) << tsna.screen();
  EXPECT_FALSE(echo_on(tsna.modes()));
  tsna.type("first-Pw\r");
  ASSERT_TRUE(
      tsna.expect("registering\n" + p + "\n200:Your Registered Username is " + u + "\n" + p))
      << tsna.screen();
  tsna.type("login " + u + "\r");
  ASSERT_TRUE(tsna.expect("Password: "));
  EXPECT_FALSE(echo_on(tsna.modes()));
  tsna.type("first-Pw\r");
  ASSERT_TRUE(tsna.expect("logining\nServer challenge\n" + p + "\n200:login is successful\n" + p))
      << tsna.screen();
  tsna.type("changepwd\r");
  ASSERT_TRUE(tsna.expect("Password: "));
  tsna.type("second-Pw\r");
  ASSERT_TRUE(tsna.expect("Repeat password: "));
  tsna.type("second-Pw\r");
  ASSERT_TRUE(tsna.expect("changepwding\n" + p + "\n200:Successfully changed password\n" + p))
      << tsna.screen();
  tsna.type("exit\r");
  EXPECT_EQ(tsna.wait_exit(), 0);
  EXPECT_TRUE(echo_on(tsna.modes()));
  EXPECT_EQ(tsna.screen().find("-Pw"), std::string::npos) << tsna.screen();
}

TEST_F(Interactive, PasswordsThatDifferSendNothing) {
  const std::string u = unique_user("lee");
  const std::string p = address() + ":";
  PtyProcess tsna({address()}, env());
  ASSERT_TRUE(tsna.expect(p));
  tsna.type("register " + u + "\r");
  ASSERT_TRUE(tsna.expect("Password: "));
  tsna.type("one\r");
  ASSERT_TRUE(tsna.expect("Repeat password: "));
  tsna.type("two\r");
  ASSERT_TRUE(tsna.expect("Passwords do not match\n" + p)) << tsna.screen();
  // Had the first register been sent, this one would be refused as taken.
  tsna.type("register " + u + " three\r");
  EXPECT_TRUE(tsna.expect("200:Your Registered Username is " + u + "\n")) << tsna.screen();
  EXPECT_EQ(tsna.screen().find("registering\n" + p + "\n200"),
            tsna.screen().rfind("registering\n" + p + "\n200"));
}

TEST_F(Interactive, SecretsNeverReachTheScreenOrTheHistory) {
  const std::string u = unique_user("mia");
  const std::string p = address() + ":";
  const std::string password = "Sekr1tPass";
  const std::string hash = auth::ntlm_hash(password);
  const std::string new_hash = auth::ntlm_hash(password + "2");
  {
    PtyProcess tsna({address()}, env());
    ASSERT_TRUE(tsna.expect(p));
    tsna.type("register " + u + "\r");
    ASSERT_TRUE(tsna.expect("Password: "));
    tsna.type(password + "\r");
    ASSERT_TRUE(tsna.expect("Repeat password: "));
    tsna.type(password + "\r");
    ASSERT_TRUE(tsna.expect("Username is " + u));
    tsna.type("login " + u + "\r");
    ASSERT_TRUE(tsna.expect("Password: "));
    tsna.type(password + "\r");
    ASSERT_TRUE(tsna.expect("200:login is successful\n" + p)) << tsna.screen();
    tsna.type("sum 1 2\r");
    ASSERT_TRUE(tsna.expect("200:3.0\n" + p));
    tsna.type("exit\r");
    EXPECT_EQ(tsna.wait_exit(), 0);
    const std::string screen = tsna.screen();
    EXPECT_EQ(screen.find(password), std::string::npos) << screen;
    EXPECT_EQ(screen.find(hash), std::string::npos) << screen;
  }
  {
    // The seed's inline forms are echoed as typed, but never reach the history.
    PtyProcess tsna({address()}, env());
    ASSERT_TRUE(tsna.expect(p));
    tsna.type("login " + u + " " + password + "\r");
    ASSERT_TRUE(tsna.expect("200:login is successful\n" + p)) << tsna.screen();
    tsna.type("changepwd " + password + "2\r");
    ASSERT_TRUE(tsna.expect("200:Successfully changed password\n" + p)) << tsna.screen();
    tsna.type("exit\r");
    EXPECT_EQ(tsna.wait_exit(), 0);
    EXPECT_EQ(tsna.screen().find(hash), std::string::npos) << tsna.screen();
    EXPECT_EQ(tsna.screen().find(new_hash), std::string::npos) << tsna.screen();
  }
  const std::string saved = read_text(history());
  EXPECT_NE(saved.find("sum"), std::string::npos) << saved;
  for (std::string_view secret :
       {std::string_view(password), std::string_view(hash), std::string_view(new_hash),
        std::string_view("login"), std::string_view("register"), std::string_view("changepwd")}) {
    EXPECT_EQ(saved.find(secret), std::string::npos) << secret << " in " << saved;
  }
}

TEST_F(Interactive, ChineseLocaleShowsTheSeedsTexts) {
  PtyProcess tsna({}, env({{"LANG", "zh_CN.UTF-8"}}));
  ASSERT_TRUE(tsna.expect("请输入要登录的主机{IP:port} or {exit} to leave：")) << tsna.screen();
  tsna.type("1.2.3.4:0\r");
  ASSERT_TRUE(tsna.expect("Please try again\n"));
  ASSERT_TRUE(tsna.expect("leave："));
  tsna.type("exit\r");
  EXPECT_EQ(tsna.wait_exit(), 0);
  EXPECT_EQ(tsna.screen(),
            "欢迎使用Telnet服务\n请输入要登录的主机{IP:port} or {exit} to leave：1.2.3.4:0\n"
            "Invalid IP Port:  0\nPlease try again\n"
            "请输入要登录的主机{IP:port} or {exit} to leave：exit\n欢迎下次使用\n");
}

TEST_F(Interactive, CtrlDAtTheHostPromptSaysGoodbye) {
  PtyProcess tsna({}, env());
  ASSERT_TRUE(tsna.expect(kHostPrompt));
  tsna.type("\x04");
  EXPECT_TRUE(tsna.expect("Goodbye\n")) << tsna.screen();
  EXPECT_EQ(tsna.wait_exit(), 0);
}

TEST_F(Interactive, CtrlCAtTheSessionPromptEndsCleanly) {
  PtyProcess tsna({address()}, env());
  ASSERT_TRUE(tsna.expect(address() + ":"));
  tsna.type("\x03");
  EXPECT_TRUE(tsna.expect("Interrupted\n")) << tsna.screen();
  EXPECT_EQ(tsna.wait_exit(), 130);
  EXPECT_TRUE(echo_on(tsna.modes()));
  EXPECT_NE(tsna.modes().c_lflag & ICANON, 0u);
}

TEST_F(Interactive, CtrlCAtThePasswordPromptRestoresEcho) {
  PtyProcess tsna({address()}, env());
  ASSERT_TRUE(tsna.expect(address() + ":"));
  tsna.type("login somebody\r");
  ASSERT_TRUE(tsna.expect("Password: "));
  EXPECT_FALSE(echo_on(tsna.modes()));
  tsna.type("\x03");
  EXPECT_TRUE(tsna.expect("Interrupted\n")) << tsna.screen();
  EXPECT_EQ(tsna.wait_exit(), 130);
  EXPECT_TRUE(echo_on(tsna.modes()));
}

TEST_F(Interactive, CtrlDAtThePasswordPromptCancelsTheCommand) {
  PtyProcess tsna({address()}, env());
  const std::string p = address() + ":";
  ASSERT_TRUE(tsna.expect(p));
  tsna.type("login somebody\r");
  ASSERT_TRUE(tsna.expect("Password: "));
  tsna.type("\x04");
  EXPECT_TRUE(tsna.expect("Cancelled; nothing was sent\n" + p)) << tsna.screen();
  tsna.type("help\r");
  EXPECT_TRUE(tsna.expect("200:Available commends: ")) << tsna.screen();
  EXPECT_EQ(tsna.screen().find("logining"), std::string::npos);
}

TEST_F(Interactive, TabCompletesOnlyTheCommandsOfTheCurrentState) {
  const std::string u = unique_user("ned");
  const std::string p = address() + ":";
  PtyProcess tsna({address()}, env());
  ASSERT_TRUE(tsna.expect(p));
  tsna.type("reg\t");
  ASSERT_TRUE(tsna.expect("register ")) << tsna.screen();
  tsna.type(u + " pw\r");
  ASSERT_TRUE(tsna.expect("Username is " + u + "\n" + p)) << tsna.screen();
  tsna.type("lo\t");
  ASSERT_TRUE(tsna.expect("login ")) << tsna.screen();
  tsna.type(u + " pw\r");
  ASSERT_TRUE(tsna.expect("200:login is successful\n" + p)) << tsna.screen();
  tsna.type("lo\t");  // logged in: only logout starts with "lo"
  ASSERT_TRUE(tsna.expect("logout ")) << tsna.screen();
  tsna.type("\r");
  EXPECT_TRUE(tsna.expect("200:Logout from current user: " + u + "\n")) << tsna.screen();
}

TEST(InteractiveFaults, CtrlCWhileWaitingForAReplyEndsCleanly) {
  FakeServer server([](FakePeer& peer) {
    accept_tsna2(peer);
    peer.read_until("\n");
    peer.wait_for_close();
  });
  TempDir home;
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  PtyProcess tsna({address}, client_environment({{"HOME", home.path().string()}}));
  ASSERT_TRUE(tsna.expect(address + ":"));
  tsna.type("sum 1 2\r");
  ASSERT_TRUE(tsna.expect("sum 1 2\n"));
  tsna.type_now("\x03");
  EXPECT_TRUE(tsna.expect("Interrupted\n")) << tsna.screen();
  EXPECT_EQ(tsna.wait_exit(), 130);
}

TEST(InteractiveFaults, ServerClosingReturnsToTheHostPrompt) {
  FakeServer server([](FakePeer& peer) {
    accept_tsna2(peer);
    peer.read_until("\n");  // closes instead of answering
  });
  TempDir home;
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  PtyProcess tsna({}, client_environment({{"HOME", home.path().string()}}));
  ASSERT_TRUE(tsna.expect(kHostPrompt));
  tsna.type(address + "\r");
  ASSERT_TRUE(tsna.expect(address + ":"));
  tsna.type("sum 1 2\r");
  EXPECT_TRUE(tsna.expect("Connection closed by the server\n" + std::string(kBanner) +
                          std::string(kHostPrompt)))
      << tsna.screen();
  tsna.type("exit\r");
  EXPECT_EQ(tsna.wait_exit(), 0);
}

TEST(InteractiveFaults, SilentServerTimesOutAndTheHostPromptComesBack) {
  FakeServer server([](FakePeer& peer) {
    accept_tsna2(peer);
    peer.read_until("\n");
    peer.wait_for_close();
  });
  TempDir home;
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  PtyProcess tsna({"--timeout", "0.2"}, client_environment({{"HOME", home.path().string()}}));
  ASSERT_TRUE(tsna.expect(kHostPrompt));
  tsna.type(address + "\r");
  ASSERT_TRUE(tsna.expect(address + ":"));
  tsna.type("sum 1 2\r");
  EXPECT_TRUE(tsna.expect("No answer from the server within 0.2 s; closing the connection\n" +
                          std::string(kBanner) + std::string(kHostPrompt)))
      << tsna.screen();
  tsna.type("exit\r");
  EXPECT_EQ(tsna.wait_exit(), 0);
}

auth::ScramVerifier verifier_for(std::string_view password) {
  return auth::derive_verifier(auth::ntlm_hash(password), std::vector<std::uint8_t>(16, 3),
                               auth::kDefaultScramIterations);
}

TEST(InteractiveScram, LoginToAServerThatProvesItselfShowsTheSeedsLines) {
  FakeServer server([](FakePeer& peer) {
    accept_tsna2(peer);
    serve_scram_login(peer, verifier_for("first-Pw"));
    if (peer.read_until("\n") == "exit\n") {
      peer.send("200:disconnected\n");
    }
  });
  TempDir home;
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  const std::string p = address + ":";
  PtyProcess tsna({address}, client_environment({{"HOME", home.path().string()}}));
  ASSERT_TRUE(tsna.expect(p));
  tsna.type("login bob\r");
  ASSERT_TRUE(tsna.expect("Password: "));
  tsna.type("first-Pw\r");
  ASSERT_TRUE(tsna.expect("logining\nServer challenge\n" + p + "\n200:login is successful\n" + p))
      << tsna.screen();
  tsna.type("exit\r");
  EXPECT_EQ(tsna.wait_exit(), 0);
}

TEST(InteractiveScram, ServerThatCannotProveItselfEndsTheProgramWithStatusTwo) {
  std::string after = "unset";
  auto server = std::make_unique<FakeServer>([&](FakePeer& peer) {
    accept_tsna2(peer);
    serve_scram_login(peer, verifier_for("not bob's"), ScramAnswer::kClaimSuccess);
    after = peer.read_until("\n", std::chrono::seconds(2));
  });
  TempDir home;
  const std::string address = "127.0.0.1:" + std::to_string(server->port());
  const std::string p = address + ":";
  PtyProcess tsna({}, client_environment({{"HOME", home.path().string()}}));
  ASSERT_TRUE(tsna.expect(kHostPrompt));
  tsna.type(address + "\r");
  ASSERT_TRUE(tsna.expect(p));
  tsna.type("login bob s3cret\r");
  EXPECT_TRUE(tsna.expect("logining\nServer challenge\nThe server at " + address +
                          " did not prove that it knows your password verifier; it may be an "
                          "impostor. Closing the connection\n"))
      << tsna.screen();
  // Not back to the host prompt (as after a lost connection): the program ends.
  EXPECT_EQ(tsna.wait_exit(), 2);
  EXPECT_EQ(tsna.screen().find("login is successful"), std::string::npos) << tsna.screen();
  EXPECT_EQ(tsna.screen().rfind(kHostPrompt), tsna.screen().find(kHostPrompt)) << tsna.screen();
  server.reset();  // the script has ended
  EXPECT_EQ(after, "");
}

}  // namespace
}  // namespace tsna::testing
