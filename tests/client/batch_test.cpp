// batch_test.cpp - tsna in scripts (SPEC 5.5) against a real tsna-server: stdin through a pipe
// or -c, bare reply texts, no prompts or progress lines, exit status 0/1/2, --user, the
// classic dialect, and ends that are not the script's (silence, a closed connection, a server
// that cannot prove it holds the user's SCRAM verifier).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include "auth/ntlm.hpp"
#include "auth/scram_verifier.hpp"
#include "child_process.hpp"
#include "fake_server.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace tsna::testing {
namespace {

const std::string kHelpLoggedOut =
    "200:Available commends: \n\t?\n\thelp\n\texit\n\tlogin {name} {password}\n\tregister "
    "{name} {password}\n";

// One real server (classic logins allowed) for the whole suite; each test uses its own names.
class Batch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new ServerProcess(dir_->path() / "data", {"--allow-classic"});
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
  static PipeResult run(const std::vector<std::string>& args, std::string_view input,
                        const Environment& extra = {}) {
    return run_client_with_pipes(args, input, client_environment(extra));
  }

  static TempDir* dir_;
  static ServerProcess* server_;
};

TempDir* Batch::dir_ = nullptr;
ServerProcess* Batch::server_ = nullptr;

TEST_F(Batch, WholeSessionPrintsEachReplyAsItsText) {
  const std::string u = unique_user("alice");
  const PipeResult r = run({address()}, "register " + u +
                                            " 123456\n"
                                            "login " +
                                            u +
                                            " 123456\n"
                                            "sum 1 2 3 4 5\n"
                                            "sum 0.2 0.1\n"
                                            "sub 3 5\n"
                                            "subtract 23 45\n"
                                            "multiply 223.4 5.3\n"
                                            "divide 7 2\n"
                                            "changepwd 123\n"
                                            "logout\n"
                                            "login " +
                                            u +
                                            " 123\n"
                                            "exit\n");
  EXPECT_EQ(r.out, "200:Your Registered Username is " + u +
                       "\n"
                       "200:login is successful\n"
                       "200:15.0\n"
                       "200:0.30000000000000004\n"
                       "200:-2.0\n"
                       "200:-22.0\n"
                       "200:1184.02\n"
                       "200:3.5\n"
                       "200:Successfully changed password\n"
                       "200:Logout from current user: " +
                       u +
                       "\n"
                       "200:login is successful\n"
                       "200:disconnected\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.status, 0);
}

TEST_F(Batch, MultiLineReplyIsPrintedAsItsLines) {
  const PipeResult r = run({address()}, "help\n");
  EXPECT_EQ(r.out, kHelpLoggedOut);
  EXPECT_EQ(r.status, 0);
}

TEST_F(Batch, AnyFailedReplyMakesTheExitStatusOne) {
  const PipeResult r = run({address()}, "ls\nsum 1 2\nls\n");
  EXPECT_EQ(r.out, std::string(kHelpLoggedOut) + "400:Invalid command\n" + kHelpLoggedOut);
  EXPECT_EQ(r.status, 1);
}

TEST_F(Batch, BlankLinesAreSkippedAndCarriageReturnsDropped) {
  const PipeResult r = run({address()}, "\n  \nhelp\r\n\n");
  EXPECT_EQ(r.out, kHelpLoggedOut);
  EXPECT_EQ(r.status, 0);
}

TEST_F(Batch, CommandOptionsRunInOrderAndStdinIsNotRead) {
  const PipeResult r = run({address(), "-c", "help", "-c", "sum 1 2"}, "register x y\n");
  EXPECT_EQ(r.out, std::string(kHelpLoggedOut) + "400:Invalid command\n");
  EXPECT_EQ(r.status, 1);
}

TEST_F(Batch, HostAndPortMayBeTwoArguments) {
  const PipeResult r = run({"127.0.0.1", std::to_string(server_->port()), "-c", "help"}, "");
  EXPECT_EQ(r.out, kHelpLoggedOut);
  EXPECT_EQ(r.status, 0);
}

TEST_F(Batch, CommandsAfterExitAreNotRun) {
  const PipeResult r = run({address()}, "exit\nhelp\n");
  EXPECT_EQ(r.out, "200:disconnected\n");
  EXPECT_EQ(r.status, 0);
}

TEST_F(Batch, UserOptionLogsInSilentlyWithTsnaPassword) {
  const std::string u = unique_user("carol");
  ASSERT_EQ(run({address(), "-c", "register " + u + " s3cret"}, "").status, 0);
  const PipeResult r =
      run({address(), "--user", u, "-c", "sum 1 2"}, "", {{"TSNA_PASSWORD", "s3cret"}});
  EXPECT_EQ(r.out, "200:3.0\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.status, 0);
}

TEST_F(Batch, UserOptionReadsThePasswordFile) {
  const std::string u = unique_user("dave");
  ASSERT_EQ(run({address(), "-c", "register " + u + " fil3pw"}, "").status, 0);
  TempDir files;
  const std::string file = (files.path() / "pw").string();
  std::ofstream(file) << "fil3pw\n";
  const PipeResult r = run({address(), "--user", u, "--password-file", file}, "multiply 2 3\n",
                           {{"TSNA_PASSWORD", "wrong"}});
  EXPECT_EQ(r.out, "200:6.0\n");
  EXPECT_EQ(r.status, 0);
}

TEST_F(Batch, FailedUserLoginPrintsTheReplyToStderrAndRunsNothing) {
  const std::string u = unique_user("erin");
  ASSERT_EQ(run({address(), "-c", "register " + u + " right"}, "").status, 0);
  const PipeResult r =
      run({address(), "--user", u, "-c", "help"}, "", {{"TSNA_PASSWORD", "wrong"}});
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "400:Authentication Failed!\n");
  EXPECT_EQ(r.status, 1);
}

TEST_F(Batch, UserOptionWithoutAnyPasswordExitsTwo) {
  const PipeResult r = run({address(), "--user", "nobody", "-c", "help"}, "");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "tsna: --user needs a password: set TSNA_PASSWORD or --password-file\n");
  EXPECT_EQ(r.status, 2);
}

TEST_F(Batch, CommandsWithoutAPasswordTakeTsnaPassword) {
  const std::string u = unique_user("frank");
  const PipeResult r =
      run({address()}, "register " + u + "\nlogin " + u + "\n", {{"TSNA_PASSWORD", "env-pass"}});
  EXPECT_EQ(r.out, "200:Your Registered Username is " + u + "\n200:login is successful\n");
  EXPECT_EQ(r.status, 0);
}

TEST_F(Batch, CommandNeedingAPasswordThatNoneGaveStopsWithStatusTwo) {
  const PipeResult r = run({address()}, "help\nlogin grace\nhelp\n");
  EXPECT_EQ(r.out, kHelpLoggedOut);
  EXPECT_EQ(r.err,
            "tsna: `login grace` needs a password: give it inline, or set TSNA_PASSWORD or "
            "--password-file\n");
  EXPECT_EQ(r.status, 2);
}

TEST_F(Batch, OutputNeverShowsThePasswordOrItsHash) {
  const std::string u = unique_user("heidi");
  const PipeResult r = run({address()}, "register " + u + " 123456\nlogin " + u +
                                            " 123456\nchangepwd 123\nlogin a b c\nexit\n");
  EXPECT_EQ(r.status, 1);  // the second login is refused
  for (std::string_view secret :
       {"123456", "910f4aff69c6c642b3756489bb81a945", "b3358c3dc3c4b063dd668b7f6620c3d2"}) {
    EXPECT_EQ(r.out.find(secret), std::string::npos) << secret;
    EXPECT_EQ(r.err.find(secret), std::string::npos) << secret;
  }
}

TEST_F(Batch, ClassicDialectWorksAgainstAServerThatAllowsIt) {
  const std::string u = unique_user("ivan");
  const PipeResult r =
      run({"--classic", address()}, "help\nregister " + u + " 123456\nlogin " + u +
                                        " 123456\nsum 0.2 0.1\nlogin " + u + " 123456\nexit\n");
  EXPECT_EQ(r.out, std::string(kHelpLoggedOut) + "200:Your Registered Username is " + u +
                       "\n200:login is successful\n200:0.30000000000000004\n"
                       "400:You have logged in " +
                       u +
                       ", please logout before you want to change to other user\n"
                       "200:disconnected\n");
  EXPECT_EQ(r.status, 1);
}

TEST_F(Batch, ClassicLoginWithWrongPasswordGetsTheSeedsReply) {
  const std::string u = unique_user("judy");
  const PipeResult r = run({"--classic", address()}, "register " + u + " right\nlogin " + u +
                                                         " wrong\nlogin zz" + u + " right\n");
  EXPECT_EQ(r.out, "200:Your Registered Username is " + u +
                       "\n400:Wrong password!\n400:The user does not exist!\n");
  EXPECT_EQ(r.status, 1);
}

TEST(BatchClassic, ServerWithoutAllowClassicRefusesTheClassicLogin) {
  TempDir dir;
  ServerProcess server(dir.path() / "data");
  const PipeResult r =
      run_client_with_pipes({"--classic", "127.0.0.1:" + std::to_string(server.port()), "-c",
                             "login bob 123456", "-c", "ls"},
                            "", client_environment({}));
  EXPECT_EQ(r.out, "400:Classic login is disabled on this server; use a TSNA/2 client\n" +
                       std::string(kHelpLoggedOut));
  EXPECT_EQ(r.status, 1);
}

TEST(BatchErrors, NothingListeningExitsTwo) {
  const std::string port = std::to_string(unused_port());
  const PipeResult r =
      run_client_with_pipes({"127.0.0.1:" + port, "-c", "ls"}, "", client_environment({}));
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "tsna: Connection fail! (127.0.0.1:" + port + ": Connection refused)\n");
  EXPECT_EQ(r.status, 2);
}

TEST(BatchErrors, InvalidAddressesExitTwoWithTheSeedsMessage) {
  const Environment env = client_environment({});
  PipeResult r = run_client_with_pipes({"0.0.0.0:6016", "-c", "ls"}, "", env);
  EXPECT_EQ(r.err, "tsna: Invalid IP for 0.0.0.0, it represent all network interfaces.\n");
  EXPECT_EQ(r.status, 2);
  r = run_client_with_pipes({"127.0.0.1:65536"}, "ls\n", env);
  EXPECT_EQ(r.err, "tsna: Invalid IP Port:  65536\n");
  EXPECT_EQ(r.status, 2);
  r = run_client_with_pipes({"nohost"}, "ls\n", env);
  EXPECT_EQ(r.err,
            "tsna: Invalid IP and port format. Please use ip:port with ipv4 form:  nohost\n");
  EXPECT_EQ(r.status, 2);
}

TEST(BatchErrors, UnknownOptionExitsTwo) {
  const PipeResult r = run_client_with_pipes({"--bogus"}, "", client_environment({}));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--bogus"), std::string::npos) << r.err;
}

TEST(BatchErrors, ScriptWithoutAnAddressExitsTwo) {
  const PipeResult r = run_client_with_pipes({"-c", "ls"}, "", client_environment({}));
  EXPECT_EQ(r.err,
            "tsna: give the server's address (tsna HOST:PORT) to run commands from a script or "
            "with --user; without one tsna asks for it at a terminal\n");
  EXPECT_EQ(r.status, 2);
}

TEST(BatchErrors, CaWithoutTlsExitsTwo) {
  const PipeResult r = run_client_with_pipes({"--ca", "/dev/null", "127.0.0.1:6016"}, "ls\n",
                                             client_environment({}));
  EXPECT_EQ(r.err, "tsna: --ca is for --tls\n");
  EXPECT_EQ(r.status, 2);
}

TEST(BatchErrors, HelpAndVersionExitZero) {
  PipeResult r = run_client_with_pipes({"--version"}, "", client_environment({}));
  EXPECT_EQ(r.out, "tsna 0.1.0\n");
  EXPECT_EQ(r.status, 0);
  r = run_client_with_pipes({"--help"}, "", client_environment({}));
  EXPECT_NE(r.out.find("--password-file"), std::string::npos) << r.out;
  EXPECT_EQ(r.status, 0);
}

TEST(BatchFaults, SilentServerTimesOutWithAMessage) {
  FakeServer server([](FakePeer& peer) {
    accept_tsna2(peer);
    peer.read_until("\n");
    peer.wait_for_close();  // never answers
  });
  const PipeResult r = run_client_with_pipes(
      {"127.0.0.1:" + std::to_string(server.port()), "--timeout", "0.3", "-c", "sum 1 2"}, "",
      client_environment({}));
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "tsna: No answer from the server within 0.3 s; closing the connection\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_LT(r.elapsed, std::chrono::seconds(5));
}

TEST(BatchFaults, ServerClosingMidScriptExitsTwo) {
  FakeServer server([](FakePeer& peer) {
    accept_tsna2(peer);
    peer.read_until("\n");
    peer.send("200:3.0\n");
    peer.read_until("\n");  // the second command: no answer, just close
  });
  const PipeResult r = run_client_with_pipes({"127.0.0.1:" + std::to_string(server.port())},
                                             "sum 1 2\nsum 1 2\nsum 1 2\n", client_environment({}));
  EXPECT_EQ(r.out, "200:3.0\n");
  EXPECT_EQ(r.err, "tsna: Connection closed by the server\n");
  EXPECT_EQ(r.status, 2);
}

TEST(BatchFaults, SeedsClassicServerIsToldApartFromTsna2) {
  FakeServer server([](FakePeer& peer) {
    peer.send("success");
    peer.read_until("\n");
    peer.send("400:Invalid command");  // the seed's server: no line end
    peer.wait_for_close();
  });
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  const PipeResult r = run_client_with_pipes({address, "-c", "ls"}, "", client_environment({}));
  EXPECT_EQ(r.err, "tsna: " + address +
                       ": The server does not speak TSNA/2 (is it the seed's server? then use "
                       "--classic)\n");
  EXPECT_EQ(r.status, 2);
}

TEST(BatchFaults, FullServersRefusalIsShown) {
  FakeServer server([](FakePeer& peer) { peer.send("400:Too many connections"); });
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  const PipeResult r = run_client_with_pipes({address, "-c", "ls"}, "", client_environment({}));
  EXPECT_EQ(r.err, "tsna: " + address + ": 400:Too many connections\n");
  EXPECT_EQ(r.status, 2);
}

// bob's verifier for the password "s3cret", as a real server would hold it.
auth::ScramVerifier bobs_verifier() {
  return auth::derive_verifier(auth::ntlm_hash("s3cret"), std::vector<std::uint8_t>(16, 7),
                               auth::kDefaultScramIterations);
}

std::string impostor_error(std::uint16_t port) {
  return "tsna: The server at 127.0.0.1:" + std::to_string(port) +
         " did not prove that it knows your password verifier; it may be an impostor. Closing "
         "the connection\n";
}

// Runs `tsna 127.0.0.1:PORT args...` against a FakeServer running `script` and returns once
// both have ended, so that what the script recorded may be read. Sets `port`.
PipeResult run_against(std::function<void(FakePeer&)> script, std::vector<std::string> args,
                       std::string_view input, const Environment& env, std::uint16_t& port) {
  FakeServer server(std::move(script));
  port = server.port();
  args.insert(args.begin(), "127.0.0.1:" + std::to_string(port));
  return run_client_with_pipes(args, input, client_environment(env));
}

TEST(BatchScram, ServerThatProvesItselfLetsTheScriptRun) {
  std::string request;
  std::uint16_t port = 0;
  const PipeResult r = run_against(
      [&](FakePeer& peer) {
        accept_tsna2(peer);
        request = serve_scram_login(peer, bobs_verifier());
        if (peer.read_until("\n") == "sum 1 2\n") {
          peer.send("200:3.0\n");
        }
      },
      {"--user", "bob", "-c", "sum 1 2"}, "", {{"TSNA_PASSWORD", "s3cret"}}, port);
  EXPECT_EQ(r.out, "200:3.0\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(request.starts_with("auth SCRAM-SHA-256 ")) << request;
}

TEST(BatchScram, ServerThatSaysYesWithoutProofIsRefusedWithStatusTwo) {
  std::string after = "unset";
  std::uint16_t port = 0;
  const PipeResult r = run_against(
      [&](FakePeer& peer) {
        accept_tsna2(peer);
        serve_scram_login(peer,
                          auth::derive_verifier(auth::ntlm_hash("anything"),
                                                std::vector<std::uint8_t>(16, 7), 4096),
                          ScramAnswer::kClaimSuccess);
        after = peer.read_until("\n", std::chrono::seconds(2));
      },
      {"--user", "bob", "-c", "sum 1 2"}, "", {{"TSNA_PASSWORD", "s3cret"}}, port);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, impostor_error(port));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(after, "");  // nothing more was sent to it
}

TEST(BatchScram, ImpostorMidScriptStopsItAndItsSuccessIsNotShown) {
  // It holds bob's StoredKey (so the proof checks out) but not his ServerKey.
  auth::ScramVerifier half = bobs_verifier();
  half.server_key.fill(0);
  std::string after = "unset";
  std::uint16_t port = 0;
  const PipeResult r = run_against(
      [&](FakePeer& peer) {
        accept_tsna2(peer);
        serve_scram_login(peer, half);
        after = peer.read_until("\n", std::chrono::seconds(2));
      },
      {}, "login bob s3cret\nsum 1 2\nexit\n", {}, port);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, impostor_error(port));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(after, "");
}

TEST(BatchScram, WrongPasswordIsAnOrdinaryFailure) {
  std::uint16_t port = 0;
  const PipeResult r = run_against(
      [&](FakePeer& peer) {
        accept_tsna2(peer);
        serve_scram_login(peer, bobs_verifier());
        if (peer.read_until("\n") == "exit\n") {
          peer.send("200:disconnected\n");
        }
      },
      {}, "login bob wrong\nexit\n", {}, port);
  EXPECT_EQ(r.out, "400:Authentication Failed!\n200:disconnected\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.status, 1);
}

}  // namespace
}  // namespace tsna::testing
