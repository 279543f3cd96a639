// login_test.cpp - the client half of both logins (SPEC 1.1, 1.2, 3) against a scripted
// server: what goes on the wire, that the classic answer is right, that the SCRAM login runs
// against GNU SASL's server (auth::ScramServer) and refuses a server that cannot prove it holds
// the verifier, and that refusals come back as replies.
#include "client/login.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "auth/hex.hpp"
#include "auth/ntlm.hpp"
#include "auth/scram_server.hpp"
#include "fake_server.hpp"

namespace tsna::client {
namespace {

using testing::FakePeer;

constexpr std::string_view kHash123456 = "910f4aff69c6c642b3756489bb81a945";

struct Pair {
  std::unique_ptr<Connection> client;
  int server_fd = -1;
  explicit Pair(Dialect dialect) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    client = std::make_unique<Connection>(std::make_unique<TcpStream>(fds[0]), dialect,
                                          std::chrono::seconds(5));
    server_fd = fds[1];
  }
  ~Pair() { close(server_fd); }
};

std::vector<std::uint8_t> bytes_of(std::string_view hex) {
  std::vector<std::uint8_t> out(hex.size() / 2);
  EXPECT_TRUE(auth::from_hex(hex, out)) << hex;
  return out;
}

TEST(ClassicLogin, AnswersTheSeedsCapturedChallengeWithItsCapturedResponse) {
  Pair p(Dialect::kClassic);
  FakePeer server(p.server_fd);
  std::string request;
  std::string answer;
  std::thread t([&] {
    request = server.read_exact(48);
    const std::vector<std::uint8_t> challenge = bytes_of("9c0c24a6caaf4c59");
    server.send(std::string(challenge.begin(), challenge.end()));
    answer = server.read_exact(32);
    server.send("200:login is successful");
  });
  int challenges = 0;
  const LoginResult r =
      log_in(*p.client, "HaibinLai", Secret(std::string(kHash123456)), [&] { ++challenges; });
  t.join();
  ASSERT_TRUE(r.io.ok()) << r.io.detail;
  EXPECT_EQ(request, "login HaibinLai 910f4aff69c6c642b3756489bb81a945");
  EXPECT_EQ(
      auth::to_hex(std::span(reinterpret_cast<const std::uint8_t*>(answer.data()), answer.size())),
      "7ab4afb2b40aebf9133f29a1105c7a581249ee1616a051f84aa7d7b26cc3f219");
  EXPECT_EQ(challenges, 1);
  EXPECT_EQ(format_reply(r.reply), "200:login is successful");
}

TEST(ClassicLogin, RefusalBeforeTheChallengeIsTheReply) {
  Pair p(Dialect::kClassic);
  FakePeer server(p.server_fd);
  std::thread t([&] {
    server.read_exact(45);
    server.send("400:The user does not exist!");
  });
  int challenges = 0;
  const LoginResult r =
      log_in(*p.client, "nobody", Secret(std::string(kHash123456)), [&] { ++challenges; });
  t.join();
  ASSERT_TRUE(r.io.ok());
  EXPECT_EQ(challenges, 0);
  EXPECT_EQ(format_reply(r.reply), "400:The user does not exist!");
}

// A stream with a fixed tls-exporter value, as TlsStream has one: the SCRAM login then binds.
class BoundStream final : public Stream {
 public:
  BoundStream(int fd, std::array<std::uint8_t, 32> binding) : tcp_(fd), binding_(binding) {}
  IoResult read_some(std::span<char> out, Clock::time_point deadline, std::size_t& got) override {
    return tcp_.read_some(out, deadline, got);
  }
  IoResult write_all(std::string_view bytes, Clock::time_point deadline) override {
    return tcp_.write_all(bytes, deadline);
  }
  std::optional<std::array<std::uint8_t, 32>> channel_binding() const override { return binding_; }

 private:
  TcpStream tcp_;
  std::array<std::uint8_t, 32> binding_;
};

const std::vector<std::uint8_t> kSalt(16, 0x5a);

auth::ScramVerifier verifier_for(std::string_view hash) {
  return auth::derive_verifier(hash, kSalt, auth::kDefaultScramIterations);
}

std::string text_of(std::string_view base64) {
  const auto bytes = auth::from_base64(base64);
  return bytes ? std::string(bytes->begin(), bytes->end()) : std::string("(not base64)");
}

// Runs log_in as bob with the hash of 123456 against `script`, counting challenges.
struct LoginRun {
  LoginResult result;
  int challenges = 0;
};

LoginRun run_login(Pair& p, const std::function<void(FakePeer&)>& script,
                   std::string_view user = "bob") {
  FakePeer server(p.server_fd);
  std::thread t([&] { script(server); });
  LoginRun run;
  run.result = log_in(*p.client, user, Secret(std::string(kHash123456)), [&] { ++run.challenges; });
  t.join();
  return run;
}

TEST(Tsna2Login, SpeaksScramAndAcceptsAServerThatProvesItHoldsTheVerifier) {
  Pair p(Dialect::kTsna2);
  std::string request;
  std::string client_final;
  const LoginRun run = run_login(p, [&](FakePeer& server) {
    // Step by step, as the wire has it, to see each line.
    request = server.read_until("\n");
    auth::ScramServer scram(auth::ScramMechanism::kSha256, verifier_for(kHash123456));
    std::string out;
    ASSERT_EQ(scram.step(request.substr(19, request.size() - 20), out), auth::ScramStep::kContinue);
    server.send("300:" + out + "\n");
    client_final = server.read_until("\n");
    ASSERT_EQ(scram.step(client_final.substr(0, client_final.size() - 1), out),
              auth::ScramStep::kDone);
    server.send("200-" + out + "\n200:login is successful\n");
  });
  ASSERT_TRUE(run.result.io.ok()) << run.result.io.detail;
  EXPECT_EQ(run.result.outcome, LoginOutcome::kAnswered);
  EXPECT_EQ(format_reply(run.result.reply), "200:login is successful");
  EXPECT_EQ(run.challenges, 1);
  ASSERT_TRUE(request.starts_with("auth SCRAM-SHA-256 ")) << request;
  EXPECT_TRUE(text_of(request.substr(19, request.size() - 20)).starts_with("n,,n=bob,r="));
  EXPECT_TRUE(text_of(client_final.substr(0, client_final.size() - 1)).starts_with("c=biws,r="));
  const std::string messages = request + client_final +
                               text_of(request.substr(19, request.size() - 20)) +
                               text_of(client_final.substr(0, client_final.size() - 1));
  EXPECT_EQ(messages.find(kHash123456), std::string::npos);
}

TEST(Tsna2Login, WrongPasswordGetsTheServersRefusal) {
  Pair p(Dialect::kTsna2);
  const LoginRun run = run_login(p, [](FakePeer& server) {
    testing::serve_scram_login(server, verifier_for(auth::ntlm_hash("other")));
  });
  ASSERT_TRUE(run.result.io.ok());
  EXPECT_EQ(run.result.outcome, LoginOutcome::kAnswered);
  EXPECT_EQ(format_reply(run.result.reply), "400:Authentication Failed!");
  EXPECT_EQ(run.challenges, 1);
}

TEST(Tsna2Login, SuccessWithoutAServerFinalIsAnUnprovenServer) {
  Pair p(Dialect::kTsna2);
  const LoginRun run = run_login(p, [](FakePeer& server) {
    // It does not hold bob's verifier, takes any proof and says yes.
    testing::serve_scram_login(server, verifier_for(auth::ntlm_hash("guess")),
                               testing::ScramAnswer::kClaimSuccess);
  });
  ASSERT_TRUE(run.result.io.ok());
  EXPECT_EQ(run.result.outcome, LoginOutcome::kUnprovenServer);
}

TEST(Tsna2Login, ServerFinalSignedWithAnotherServerKeyIsAnUnprovenServer) {
  // It holds bob's StoredKey, so it accepts the proof, but not his ServerKey.
  auth::ScramVerifier half = verifier_for(kHash123456);
  half.server_key = verifier_for(auth::ntlm_hash("other")).server_key;
  Pair p(Dialect::kTsna2);
  const LoginRun run =
      run_login(p, [&](FakePeer& server) { testing::serve_scram_login(server, half); });
  ASSERT_TRUE(run.result.io.ok());
  EXPECT_EQ(run.result.outcome, LoginOutcome::kUnprovenServer);
}

TEST(Tsna2Login, SuccessOfAnyOtherShapeIsAnUnprovenServer) {
  for (const std::string_view answer :
       {"200:login is successful\n", "200-dj1BQUFB\n200:login is successful\n",
        "200-x\n200-y\n200:login is successful\n"}) {
    Pair p(Dialect::kTsna2);
    const LoginRun run = run_login(p, [&](FakePeer& server) {
      server.read_until("\n");
      server.send(std::string(answer));  // no challenge at all
    });
    ASSERT_TRUE(run.result.io.ok());
    EXPECT_EQ(run.result.outcome, LoginOutcome::kUnprovenServer) << answer;
    EXPECT_EQ(run.challenges, 0);
  }
}

TEST(Tsna2Login, UnderTlsItBindsToTheChannelWithThePlusMechanism) {
  std::array<std::uint8_t, 32> binding{};
  binding.fill(0x77);
  for (const bool same : {true, false}) {
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    Connection client(std::make_unique<BoundStream>(fds[0], binding), Dialect::kTsna2,
                      std::chrono::seconds(5));
    FakePeer server(fds[1]);
    std::string request;
    std::thread t([&] {
      request = server.read_until("\n");
      std::array<std::uint8_t, 32> server_binding = binding;
      server_binding[0] ^= same ? 0 : 1;
      auth::ScramServer scram(auth::ScramMechanism::kSha256Plus, verifier_for(kHash123456),
                              server_binding);
      std::string out;
      constexpr std::size_t kHead = sizeof "auth SCRAM-SHA-256-PLUS " - 1;
      ASSERT_EQ(scram.step(request.substr(kHead, request.size() - kHead - 1), out),
                auth::ScramStep::kContinue);
      server.send("300:" + out + "\n");
      std::string client_final = server.read_until("\n");
      client_final.pop_back();
      if (scram.step(client_final, out) == auth::ScramStep::kDone) {
        server.send("200-" + out + "\n200:login is successful\n");
      } else {
        server.send("400:Authentication Failed!\n");
      }
    });
    const LoginResult r = log_in(client, "bob", Secret(std::string(kHash123456)), [] {});
    t.join();
    close(fds[1]);
    ASSERT_TRUE(r.io.ok()) << r.io.detail;
    EXPECT_TRUE(request.starts_with("auth SCRAM-SHA-256-PLUS ")) << request;
    EXPECT_EQ(format_reply(r.reply),
              same ? "200:login is successful" : "400:Authentication Failed!");
  }
}

TEST(Tsna2Login, RefusalWithoutAChallengeIsTheReply) {
  Pair p(Dialect::kTsna2);
  const LoginRun run = run_login(p, [](FakePeer& server) {
    server.read_until("\n");
    server.send("400:Too many failed logins, try again in 4 s\n");
  });
  ASSERT_TRUE(run.result.io.ok());
  EXPECT_EQ(run.result.outcome, LoginOutcome::kAnswered);
  EXPECT_EQ(run.challenges, 0);
  EXPECT_EQ(format_reply(run.result.reply), "400:Too many failed logins, try again in 4 s");
}

TEST(Tsna2Login, ChallengeThatIsNotScramIsAProtocolError) {
  for (const std::string_view challenge :
       {"300:not-a-challenge\n", "300:cj14LHM9YzJGc2RBPT0saT0x\n" /* r=x,s=c2FsdA==,i=1 */}) {
    Pair p(Dialect::kTsna2);
    const LoginRun run = run_login(p, [&](FakePeer& server) {
      server.read_until("\n");
      server.send(std::string(challenge));
    });
    EXPECT_EQ(run.result.io.status, IoStatus::kProtocol) << challenge;
    EXPECT_TRUE(run.result.io.detail.starts_with("a SCRAM challenge that tsna refuses ("))
        << run.result.io.detail;
  }
}

TEST(Tsna2Login, NameThatSaslprepRefusesSendsNothing) {
  Pair p(Dialect::kTsna2);
  std::string received = "unset";
  const LoginRun run = run_login(
      p,
      [&](FakePeer& server) { received = server.read_until("\n", std::chrono::milliseconds(200)); },
      "bell\a");
  ASSERT_TRUE(run.result.io.ok());
  EXPECT_EQ(run.result.outcome, LoginOutcome::kNameRefused);
  EXPECT_EQ(received, "");
  EXPECT_EQ(run.challenges, 0);
}

}  // namespace
}  // namespace tsna::client
